from app.admin import audit_routes, jobs_routes, people_routes  # noqa: F401  (register their views on bp)
from app.admin.routes import bp

__all__ = ["bp"]
