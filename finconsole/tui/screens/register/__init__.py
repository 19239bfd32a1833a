"""Screens of the register: search, a customer, editing a customer or address."""
