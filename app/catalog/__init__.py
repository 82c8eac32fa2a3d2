"""Open enrollment: the public catalog of open cohorts and sign-up with email confirmation."""

from app.catalog.routes import bp

__all__ = ["bp"]
