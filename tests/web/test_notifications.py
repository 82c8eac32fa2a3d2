"""The Notifications page lists every kind (discussion and events), a page at a time, with an empty state,
and the navigation's count covers them all until they are marked read."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.models import EventNotice
from app.supervision import services as supervision
from tests.services.test_supervision import submitted
from tests.web.test_discussion import post, signed_in, text

COUNT = 'Notifications <span class="count">{}<span class="visually-hidden"> unread</span>'


def test_empty_page_says_what_will_show_up(supervised, app):
    page = text(signed_in(app, supervised["supervisor"]).get("/notifications"))
    assert "Nothing yet." in page and "a supervision session waits for you" in page
    assert "Mark all as read" not in page


def test_a_waiting_session_and_its_decision_show_with_links_and_counts(supervised, app, db):
    s = supervised
    session = submitted(s, db)
    sup = signed_in(app, s["supervisor"])
    assert COUNT.format(1) in text(sup.get("/dashboard"))
    page = text(sup.get("/notifications"))
    assert (f'<a href="/supervision/sessions/{session.id}/decide">{s["trainee"].name} submitted a supervision '
            "session of") in page
    assert "Supervision ·" in page and "New" in page

    supervision.return_session(session, s["supervisor"], reason="Add the date.")
    db.session.commit()
    trainee = signed_in(app, s["trainee"])
    page = text(trainee.get("/notifications"))
    assert f"{s['supervisor'].name} returned your supervision session of" in page
    post(trainee, "/notifications/read")
    assert 'class="count"' not in text(trainee.get("/dashboard"))
    assert "Mark all as read" not in text(trainee.get("/notifications"))


def test_many_notifications_are_paged_newest_first(supervised, app, db):
    user = supervised["trainee"]
    now = utcnow()
    for i in range(35):
        db.session.add(EventNotice(user_id=user.id, kind="certificate.issued", event_key=f"test:{i}",
                                   message=f"notice number {i:02d}", path="/certificates",
                                   created_at=now - timedelta(minutes=i)))
    db.session.commit()
    client = signed_in(app, user)
    first = text(client.get("/notifications"))
    assert "Notice number 00" in first and "Notice number 29" in first and "Notice number 30" not in first
    assert 'rel="next">Older</a>' in first and "Newer" not in first
    second = text(client.get("/notifications?page=2"))
    assert "Notice number 30" in second and "Notice number 34" in second and 'rel="prev">Newer</a>' in second
    assert "There is nothing on this page." in text(client.get("/notifications?page=9"))
    assert "Notice number 00" in text(client.get("/notifications?page=-1"))  # a bad page number: the first
    assert db.session.scalar(sa.select(sa.func.count(EventNotice.id))) == 35
