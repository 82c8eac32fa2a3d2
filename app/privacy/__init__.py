"""Data rights: what the platform holds about a person (registry.py), their export (export.py), erasure
(erasure.py) and retention (retention.py). The pages are in routes.py."""
