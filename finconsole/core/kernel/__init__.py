"""Used by everything: who acts (actor), time (clock), errors, permissions, text and files."""
