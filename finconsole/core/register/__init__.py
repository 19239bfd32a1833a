"""The customers: records, the customer overview, finding them, audiences."""
