"""Screens of login, locking, passwords, the first run and the audit trail."""
