"""Exceptions and accommodations over HTTP: who may grant, who may see, and what the trainee sees."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import GrantedException, Role
from tests import factories
from tests.conftest import csrf_token, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _page(nc) -> str:
    return f"/cohorts/{nc['cohort'].id}/trainees/{nc['trainee'].id}/exceptions"


def test_instructor_grants_an_extension_the_trainee_sees_it(nearly_complete, app, db):
    nc = nearly_complete
    lead = signed_in(app, nc["lead"])
    page = lead.get(_page(nc)).get_data(as_text=True)
    assert "Grant an exception" in page and "No exceptions granted." in page
    refused = lead.post(_page(nc), data={"kind": "extension", "item": "week-12-quiz", "days": "2", "reason": "",
                                         "csrf_token": csrf_token(lead, _page(nc))})
    assert refused.status_code == 422 and "Write the reason." in refused.get_data(as_text=True)
    ok = lead.post(_page(nc), data={"kind": "extension", "item": "week-12-quiz", "days": "30",
                                    "reason": "Hospital stay", "csrf_token": csrf_token(lead, _page(nc))},
                   follow_redirects=True)
    body = ok.get_data(as_text=True)
    assert "Deadline extension granted" in body and "Hospital stay" in body
    again = lead.post(_page(nc), data={"kind": "extension", "item": "week-12-quiz", "days": "40",
                                       "reason": "Again", "csrf_token": csrf_token(lead, _page(nc))})
    assert "already has this exception" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GrantedException)) == 1
    listing = lead.get(f"/cohorts/{nc['cohort'].id}/exceptions").get_data(as_text=True)
    assert nc["trainee"].name in listing and "Hospital stay" in listing


def test_a_waiver_is_the_program_directors_alone(nearly_complete, app, db):
    nc = nearly_complete
    lead = signed_in(app, nc["lead"])
    refused = lead.post(_page(nc), data={"kind": "waiver", "item": "code-of-conduct", "reason": "Paper copy",
                                         "csrf_token": csrf_token(lead, _page(nc))})
    assert refused.status_code == 403
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    director = signed_in(app, admin)
    ok = director.post(_page(nc), data={"kind": "waiver", "item": "code-of-conduct", "reason": "Paper copy",
                                        "csrf_token": csrf_token(director, _page(nc))}, follow_redirects=True)
    assert "Requirement waived granted" in ok.get_data(as_text=True)
    mine = signed_in(app, nc["trainee"]).get("/certificate").get_data(as_text=True)
    assert "confidentiality attestation (waived)" in mine and "Sign the code of conduct</button>" not in mine


def test_accommodations_are_seen_by_the_trainee_and_instructors_only(nearly_complete, app, db):
    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    director = signed_in(app, admin)
    url = f"/cohorts/{nc['cohort'].id}/trainees/{nc['trainee'].id}/accommodations"
    director.post(url, data={"quiz_time_factor": "1.5", "extra_days": "4", "alternative_format": "y",
                             "note": "Reads with a screen reader", "csrf_token": csrf_token(director, _page(nc))})
    trainee_page = signed_in(app, nc["trainee"]).get("/dashboard").get_data(as_text=True)
    assert "Your accommodations" in trainee_page and "4 extra days on every due date" in trainee_page
    assert "Reads with a screen reader" in signed_in(app, nc["lead"]).get(_page(nc)).get_data(as_text=True)
    # never the organization admin or the supervisor: the page is not there for them, nor is the note elsewhere
    for other in (nc["org_admin"], nc["supervisor"]):
        client = signed_in(app, other)
        assert client.get(_page(nc)).status_code == 404
        for page in (f"/partners/cohorts/{nc['cohort'].id}", f"/supervision/trainees/{nc['trainee'].id}/ledger",
                     "/dashboard"):
            assert "Reads with a screen reader" not in client.get(page).get_data(as_text=True)
    # a trainee cannot set their own
    trainee = signed_in(app, nc["trainee"])
    own = trainee.post(url, data={"quiz_time_factor": "4", "extra_days": "60", "csrf_token": csrf_token(trainee)})
    assert own.status_code == 403


def test_another_cohorts_trainee_is_not_found(nearly_complete, app, db):
    nc = nearly_complete
    stranger = factories.make_user(Role.TRAINEE)
    other = factories.make_cohort(nc["course"], factories.make_org())
    factories.make_enrollment(other, stranger)
    db.session.commit()
    lead = signed_in(app, nc["lead"])
    assert lead.get(f"/cohorts/{nc['cohort'].id}/trainees/{stranger.id}/exceptions").status_code == 404
    assert lead.get(f"/cohorts/{other.id}/trainees/{stranger.id}/exceptions").status_code == 404
    response = lead.post(f"/cohorts/{other.id}/trainees/{stranger.id}/exceptions",
                         data={"kind": "extension", "item": "week-1-quiz", "days": "3", "reason": "x",
                               "csrf_token": csrf_token(lead, _page(nc))})
    assert response.status_code == 404
