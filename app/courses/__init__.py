from app.courses.routes import bp

__all__ = ["bp"]
