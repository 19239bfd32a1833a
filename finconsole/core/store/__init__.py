"""Where data lives: connecting to the database, the models, migrations and the search index."""
