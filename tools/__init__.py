"""Developer and operator commands."""
