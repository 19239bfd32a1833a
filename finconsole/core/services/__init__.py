"""The domain API: the only door to data for both front ends."""
