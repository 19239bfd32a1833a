"""Screens to add and edit orders."""
