"""Pure logic without I/O: dates, probabilities and phrases, scoring."""
