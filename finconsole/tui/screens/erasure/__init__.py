"""Screens of erasure and its letter."""
