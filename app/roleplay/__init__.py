from app.roleplay import calibration_routes, grading_routes  # noqa: F401  (register their views on bp)
from app.roleplay.routes import bp

__all__ = ["bp"]
