from app.wellbeing.routes import bp

__all__ = ["bp"]
