"""The partner organization admin's portal: profile and seats, cohorts, roster enrollment, dashboards."""

from app.partners.routes import bp

__all__ = ["bp"]
