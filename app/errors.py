"""Domain errors raised by services, and the HTML error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from app.extensions import db


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user."""


class NotPermitted(DomainError):
    pass


ERROR_TITLES = {
    400: "Bad request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "Method not allowed",
    413: "File too large",
    429: "Too many requests",
    500: "Something went wrong",
}


def register_error_handlers(app: Flask) -> None:
    def render(code: int, message: str | None = None):
        return render_template("errors/error.html", code=code, title=ERROR_TITLES[code],
                               message=message), code

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda e, code=code: render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render(400, "The form expired or was sent from another site. Go back, reload the page and try again.")

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return render(500)
