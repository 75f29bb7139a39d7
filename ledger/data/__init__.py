"""Data files shipped with the package (the phrase table)."""
