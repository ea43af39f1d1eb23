"""IT training."""
