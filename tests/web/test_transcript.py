"""A trainee's transcript, and the expiring link by which they show it to an employer."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import sqlalchemy as sa

from app.db import utcnow
from app.models import AuditEvent, Role, TranscriptShare
from tests import factories
from tests.conftest import csrf_token, login

LINK = re.compile(r"(http://localhost/transcripts/([A-Za-z0-9_-]{20,}))")


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def share(client, cohort_id: int, recipient: str = "Acme Youth Services", days: str = "30") -> str:
    page = client.post(f"/certificate/{cohort_id}/shares", follow_redirects=True,
                       data={"recipient": recipient, "days": days, "csrf_token": csrf_token(client, "/certificate")})
    return page.get_data(as_text=True)


def test_the_trainee_downloads_a_transcript_of_what_they_did(nearly_complete, app, db):
    nc = nearly_complete
    client = signed_in(app, nc["trainee"])
    assert "Download transcript (PDF)" in client.get("/certificate").get_data(as_text=True)
    response = client.get(f"/certificate/{nc['cohort'].id}/transcript.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Trainee: Cora Complete" in text and "Therapeutic Mentoring Certificate (version 2026.1)" in text
    starts = nc["cohort"].start_date
    assert f"Cohort: {nc['cohort'].name}, {starts:%B %-d, %Y} to" in text
    # hours as attended: every live session was attended (2 h each here), 12.75 h of supervision approved
    assert "Live sessions attended (of 24 h scheduled) 24" in text
    assert "Supervised practice approved 12.75" in text
    assert "Quizzes passed: 12 of 12" in text and "Assessed role-plays passed: 2 of 2" in text
    assert re.search(r"\d+% \(passed\)", text)
    # each session with the supervisor's credential as recorded when they signed it
    assert text.count("LICSW LIC-12345, MA") == 9
    # competencies: every criterion graded at the demonstrated level (3) but the last (graded 2),
    # named in the framework's own words from the course files
    assert "Rubric criteria rated at level 3 (Competent) or higher" in text
    assert "Engagement and rapport Competent" in text and "MA CHW 3: Effective communication" in text
    assert "Safety and escalation Competent" in text and "MA CHW 6: Care coordination and system navigation" in text
    assert "Cultural humility Competent" not in text and "MA CHW 4" not in text
    other = factories.make_user(Role.TRAINEE)
    db.session.commit()
    assert signed_in(app, other).get(f"/certificate/{nc['cohort'].id}/transcript.pdf").status_code in (403, 404)


def test_an_employer_opens_the_shared_link_until_it_expires(nearly_complete, app, db):
    nc = nearly_complete
    client = signed_in(app, nc["trainee"])
    page = share(client, nc["cohort"].id)
    url, token = LINK.search(page).groups()
    assert "it is shown only this once" in page and "Acme Youth Services" in page
    stored = db.session.scalar(sa.select(TranscriptShare))
    assert stored.token_hash != token and token not in stored.token_hash  # only its digest is kept
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "transcript.shared"))
    assert token not in client.get("/certificate").get_data(as_text=True)  # shown once

    employer = app.test_client()
    view = employer.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "Training transcript: Cora Complete" in view and "with Acme Youth Services" in view
    assert "observation 0.75 h" in view and "<dd>12.75 h (individual" in view and nc["trainee"].email not in view
    assert "MA CHW 3: Effective communication" in view and "LICSW LIC-12345, MA" in view
    pdf = employer.get(f"/transcripts/{token}.pdf")
    assert "Shared by Cora Complete with Acme Youth Services" in pdf_text(pdf.data)

    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    gone = employer.get(f"/transcripts/{token}")
    assert gone.status_code == 410 and "This link has expired" in gone.get_data(as_text=True)
    assert "Cora" not in gone.get_data(as_text=True)
    assert employer.get(f"/transcripts/{token}.pdf").status_code == 410
    assert employer.get("/transcripts/not-a-token").status_code == 404


def test_the_trainee_withdraws_a_link_and_only_they_can(nearly_complete, app, db):
    nc = nearly_complete
    client = signed_in(app, nc["trainee"])
    token = LINK.search(share(client, nc["cohort"].id, "Bright Futures", "7")).group(2)
    stored = db.session.scalar(sa.select(TranscriptShare))
    other = factories.make_user(Role.TRAINEE)
    db.session.commit()
    intruder = signed_in(app, other)
    url = f"/certificate/shares/{stored.id}/withdraw"
    assert intruder.post(url, data={"csrf_token": csrf_token(intruder)}).status_code == 404
    assert client.post(url).status_code == 400  # no CSRF token
    done = client.post(url, data={"csrf_token": csrf_token(client, "/certificate")}, follow_redirects=True)
    assert "The link for Bright Futures no longer works." in done.get_data(as_text=True)
    assert "withdrawn" in client.get("/certificate").get_data(as_text=True)
    closed = app.test_client().get(f"/transcripts/{token}")
    assert closed.status_code == 410 and "This link was withdrawn" in closed.get_data(as_text=True)


def test_a_link_needs_a_recipient_and_a_known_duration(nearly_complete, app, db):
    nc = nearly_complete
    client = signed_in(app, nc["trainee"])
    assert "Say who the link is for" in share(client, nc["cohort"].id, "   ")
    assert "Say who the link is for and how long it works." in share(client, nc["cohort"].id, "Acme", "3650")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TranscriptShare)) == 0
