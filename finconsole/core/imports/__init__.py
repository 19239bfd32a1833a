"""One registry of import kinds: shop exports and tracking events."""
