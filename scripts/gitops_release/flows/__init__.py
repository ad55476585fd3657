"""Flows: each plans, applies, then publishes, and returns a frozen result."""
