"""The synthetic demo register."""
