"""Enforcement of `app.policy` in views.

`@guard(rule)` runs a route-level rule before the view: anonymous visitors are
sent to the login page, signed-in users without permission get 403. The rule is
recorded on the view as `__policy__`, and a test checks that every route has one.
`authorize(flag)` is for object rules, after the object is loaded; `not_found_unless`
hides objects of another organization behind a 404 so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def guard(rule: Callable[[object], bool]):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not rule(current_user):
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        wrapped.__policy__ = rule
        return wrapped

    return decorator


def authorize(allowed: bool) -> None:
    if not allowed:
        abort(403)


def not_found_unless(allowed: bool) -> None:
    if not allowed:
        abort(404)
