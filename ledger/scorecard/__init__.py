"""Scorecards: report queries over the store and their renderers."""
