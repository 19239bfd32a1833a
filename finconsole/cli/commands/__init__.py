"""The subcommands, one module an area. Each has ``register(subparsers)``, which adds its
parsers and sets ``func``; cli/__init__.py imports them by name, only when a command is parsed."""
