"""The outbox: messages to customers and recipients (officer)."""
