"""Data files shipped with the core (the common-password list)."""
