"""The Textual console. Calls the same services as the command line."""
