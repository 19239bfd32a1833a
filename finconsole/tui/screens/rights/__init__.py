"""Screens of data-subject requests and access exports."""
