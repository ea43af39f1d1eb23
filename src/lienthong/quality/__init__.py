"""Quality management (ISO 9001)."""
