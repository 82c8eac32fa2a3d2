"""Who hears about a supervision session: its supervisor when it is submitted, its trainee when it is
approved or returned (in-app and by email, per their preferences, once per event)."""

from __future__ import annotations

from app import notices
from app.models import SupervisionSession


def _day(session: SupervisionSession) -> str:
    return f"{session.session_date:%b} {session.session_date.day}, {session.session_date.year}"


def submitted(session: SupervisionSession) -> None:
    """Once per submission: a session returned and submitted again is a new event."""
    notices.notify(session.supervisor, kind="supervision.submitted",
                   obj=f"{session.id}:{session.submitted_at.isoformat()}", actor=session.trainee,
                   message=f"submitted a supervision session of {_day(session)} for your sign-off",
                   subject=f"A supervision session is waiting for your sign-off ({session.trainee.name})",
                   endpoint="supervision.decide", values={"session_id": session.id})


def approved(session: SupervisionSession) -> None:
    notices.notify(session.trainee, kind="supervision.approved", obj=str(session.id), actor=session.supervisor,
                   message=f"approved and signed your supervision session of {_day(session)}",
                   subject="Your supervision session was approved",
                   endpoint="supervision.show_session", values={"session_id": session.id})


def returned(session: SupervisionSession) -> None:
    notices.notify(session.trainee, kind="supervision.returned",
                   obj=f"{session.id}:{session.returned_at.isoformat()}", actor=session.supervisor,
                   message=f"returned your supervision session of {_day(session)}: "
                           "open it to read what to change",
                   subject="Your supervision session was returned to you",
                   endpoint="supervision.show_session", values={"session_id": session.id})
