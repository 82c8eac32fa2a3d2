"""The session cookie of a session started by an LTI launch is `SameSite=None; Secure`, so it comes with the
requests of the LMS's iframe (a third-party context); every other session keeps the configured Lax cookie."""

from __future__ import annotations

from flask import session
from flask.sessions import SecureCookieSessionInterface

MARK = "lti_frame_ancestors"


class LaunchSessionInterface(SecureCookieSessionInterface):
    def get_cookie_samesite(self, app):
        return "None" if session.get(MARK) else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app):
        return True if session.get(MARK) else super().get_cookie_secure(app)
