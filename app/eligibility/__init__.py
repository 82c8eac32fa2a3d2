"""The one eligibility engine: `engine.evaluate` is pure; `records` loads its input."""
