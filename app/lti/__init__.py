"""The platform as an LTI 1.3 tool: partners' LMSes launch their staff into their cohorts (see docs/lti.md)."""

from app.lti import admin_routes  # noqa: F401 - registers the platform admins' pages on the blueprint
from app.lti.routes import bp

__all__ = ["bp"]
