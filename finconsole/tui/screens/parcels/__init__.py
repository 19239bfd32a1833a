"""Screens of parcels: the queues, one parcel, a new parcel, carrier performance."""
