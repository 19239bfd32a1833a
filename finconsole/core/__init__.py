"""The domain core. Never imports Textual or Rich (tests/unit/test_layering.py proves it)."""
