"""National public-service portal."""
