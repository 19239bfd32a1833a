"""Orders, their lines, invoices and collection."""
