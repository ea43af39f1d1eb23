"""Official e-mail."""
