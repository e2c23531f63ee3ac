"""Pure value types and maths. Never touches files, the clock, the environment or SQL."""
