from app.cohorts.routes import bp

__all__ = ["bp"]
