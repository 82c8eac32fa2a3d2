from app.discuss.routes import bp

__all__ = ["bp"]
