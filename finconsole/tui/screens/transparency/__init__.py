"""Screens of disclosures, inquiries, tasks and the register description."""
