from app.learn import quiz_routes  # noqa: F401  (registers the quiz views on bp)
from app.learn.routes import bp

__all__ = ["bp"]
