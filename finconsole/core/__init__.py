"""The domain core. Never imports Textual or Rich (tests/test_layering.py proves it)."""
