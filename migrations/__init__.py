"""Alembic migrations of the ledger schema, shipped inside the package as ``ledger.migrations``."""
