"""The JSON API for partner systems under /api/v1, authenticated by per-organization API keys."""

from app.api.routes import bp

__all__ = ["bp"]
