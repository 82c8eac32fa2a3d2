"""One-click unsubscribe from notification email (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click).

Digests carry a link with a signed, per-person token. A mail provider POSTs to it without cookies or a
form, so this blueprint is exempt from CSRF like the API: the token itself proves the request came from
the person's own mail. Opening the link (GET) only asks; nothing changes until the button is pressed.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from app import audit, policy
from app.discuss import notify
from app.extensions import csrf, db
from app.guards import guard
from app.models import EmailMode, User

bp = Blueprint("unsubscribe", __name__)
csrf.exempt(bp)  # authenticated by the signed token in the link, never by cookie
SALT = "discussion-email-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_url(user: User) -> str:
    """On the public address (PUBLIC_BASE_URL), built without a request: digests are made by a job."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for("unsubscribe.discussion_email", token=_serializer().dumps(user.id), _external=True)


def headers_for(user: User) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url(user)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _person(token: str) -> User:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        abort(404)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user or abort(404)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@guard(policy.public)
def discussion_email(token: str):
    user = _person(token)
    done = False
    if request.method == "POST":
        prefs = notify.preferences(user)
        if prefs.email_mode is not EmailMode.OFF:
            before = prefs.email_mode.value
            notify.save_preferences(user, replies=prefs.replies, mentions=prefs.mentions, followed=prefs.followed,
                                    email_mode=EmailMode.OFF)
            audit.record("notifications.unsubscribed", user, actor=user, ip=request.remote_addr,
                         before={"email_mode": before}, after={"email_mode": "off"})
            db.session.commit()
        done = True
    return render_template("discuss/unsubscribe.html", token=token, done=done, user=user)
