"""Provincial e-portal."""
