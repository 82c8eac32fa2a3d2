"""Local resources: each partner organization's state, crisis and mandated-reporting lines, shown to its
trainees on the crisis weeks' pages and in the footer; the national lines for everyone else."""

from app.resources.routes import bp

__all__ = ["bp"]
