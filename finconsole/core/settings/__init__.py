"""config.toml: read, validate, write; the runtime config and the key file."""
