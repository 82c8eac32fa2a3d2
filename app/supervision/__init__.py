from app.supervision.routes import bp

__all__ = ["bp"]
