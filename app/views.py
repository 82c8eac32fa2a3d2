"""What views share beyond policy: committing one service call or showing its refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from wtforms import Field

from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")


def committed(action: Callable[[], T], *, field: Field | None = None) -> tuple[bool, T | None]:
    """Call one service and commit. A refusal rolls back and is shown on `field`, or flashed."""
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        if field is not None:
            field.errors.append(str(exc))
        else:
            flash(str(exc), "error")
        return False, None
    db.session.commit()
    return True, result
