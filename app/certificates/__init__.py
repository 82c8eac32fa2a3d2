from app.certificates.routes import bp

__all__ = ["bp"]
