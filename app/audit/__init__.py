"""The audit trail: append-only, written explicitly by services."""
