"""Data-subject requests, access exports and their letters."""
