"""Parcels, carriers and their codes, tracking events, lost parcels and claims."""
