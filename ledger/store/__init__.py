"""Storage: engine and transactions, models, schema version, migrations, audit chain."""
