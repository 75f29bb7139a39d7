"""ledger: a prediction ledger for research analysts."""

__version__ = "0.1.0"
