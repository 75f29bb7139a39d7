"""Seed files shipped inside the package as ``ledger.seeds`` (read with importlib.resources)."""
