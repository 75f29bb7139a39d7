"""One function per change: each runs in one write transaction and appends one audit event."""
