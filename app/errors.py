"""Domain errors raised by services, and the error answers: HTML pages, and JSON under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user."""


class NotPermitted(DomainError):
    pass


ERROR_TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "Method not allowed",
    413: "File too large",
    429: "Too many requests",
    500: "Something went wrong",
}

# The API's one error format, {"error": {"code", "message"}}, for what reaches the app's handlers: an
# unknown URL or method under /api/ (no API view matched) and unexpected failures.
API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 413: "too_large", 429: "rate_limited", 500: "server_error"}
API_MESSAGES = {404: "No such resource; the API is described at /api/v1/openapi.json.",
                429: "Too many requests; slow down and retry.",
                500: "Something went wrong on our side. Try again later."}
API_CHALLENGE = 'Bearer realm="api"'


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    def render(code: int, message: str | None = None, exc: HTTPException | None = None):
        headers = {}
        valid_methods = getattr(exc, "valid_methods", None)
        if code == 405 and valid_methods:
            headers["Allow"] = ", ".join(sorted(valid_methods))
        if is_api_request():
            if code == 405 and valid_methods:
                text = f"This resource answers {', '.join(sorted(valid_methods))}."
            elif code == 400 and exc is not None:
                text = message or exc.description
            else:
                text = message or API_MESSAGES.get(code) or ERROR_TITLES[code]
            response = jsonify({"error": {"code": API_CODES[code], "message": text}})
            return response, code, headers
        return render_template("errors/error.html", code=code, title=ERROR_TITLES[code],
                               message=message), code, headers

    for code in (401, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda e, code=code: render(code, exc=e))

    @app.errorhandler(400)
    def bad_request(e):
        # a message written for the user (abort(400, "...")), not werkzeug's generic description
        default = type(e).description
        return render(400, e.description if e.description != default else None, exc=e)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render(400, "The form expired or was sent from another site. Go back, reload the page and try again.")

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return render(500)

    @app.after_request
    def api_challenge(response):
        """A 401 from the API says how to authenticate (RFC 9110): with a bearer key."""
        if response.status_code == 401 and is_api_request():
            response.headers.setdefault("WWW-Authenticate", API_CHALLENGE)
        return response
