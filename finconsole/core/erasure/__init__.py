"""Erasure, legal holds, the erasure ledger, retention, backup and restore."""
