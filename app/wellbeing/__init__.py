from app.wellbeing import circle_routes  # noqa: F401  (adds the circles' routes to the blueprint)
from app.wellbeing.routes import bp

__all__ = ["bp"]
