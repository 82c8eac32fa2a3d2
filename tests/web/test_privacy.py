"""Data rights over HTTP: a person's "Your data" page, download and erasure request; an admin's download of
anyone's data and erasure behind a typed confirmation, audited."""

from __future__ import annotations

import html
from types import SimpleNamespace

import sqlalchemy as sa

from app.models import AuditEvent, Post, User
from app.privacy import export, registry
from tests.conftest import login
from tests.web.test_learning import post, signed_in


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_person_sees_what_is_held_and_downloads_it(app, db, people):
    trainee = people["trainee"]
    client = signed_in(app, trainee)
    assert "/account/data" in text(client.get("/account"))
    page = text(client.get("/account/data"))
    assert "What we hold about you" in page and "Your discussion posts" in page and "Download your data" in page
    assert f"Mail sent to you: {app.config['OUTBOX_RETENTION_DAYS']} days" in page

    response = post(client, "/account/data/download", page="/account/data")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert f"personal-data-{trainee.id}-" in response.headers["Content-Disposition"]
    files = export.read_archive(response.get_data())
    assert files["data/users.json"]["rows"][0]["email"] == trainee.email
    assert [r["id"] for r in files["data/posts.json"]["rows"]] == [people["post"].id]
    assert people["other_trainee"].email not in response.get_data().decode("latin-1")
    (event,) = events(db, "user.data_exported")
    assert (event.actor_id, event.object_id, event.after) == (trainee.id, str(trainee.id), {"by": "self"})


def test_a_download_without_the_form_s_token_is_refused(app, db, people):
    client = signed_in(app, people["trainee"])
    response = client.post("/account/data/download")
    assert response.status_code in (302, 400)
    assert events(db, "user.data_exported") == []


def test_a_person_asks_for_erasure_and_admins_see_the_request(app, db, people):
    trainee, admin = people["trainee"], people["admin"]
    client = signed_in(app, trainee)
    refused = post(client, "/account/data/erasure", page="/account/data")
    assert refused.status_code == 302
    assert "Tick the box" in text(client.get("/account/data"))
    assert db.session.get(User, trainee.id).erasure_requested_at is None

    done = post(client, "/account/data/erasure", {"confirm": "y"}, page="/account/data")
    assert done.status_code == 302
    page = text(client.get("/account/data"))
    assert "Your request is recorded" in page and "You asked on" in page
    assert db.session.get(User, trainee.id).erasure_requested_at is not None
    assert [e.object_id for e in events(db, "user.erasure_requested")] == [str(trainee.id)]

    staff = signed_in(app, admin)
    listed = text(staff.get("/admin/people?status=erasure_requested"))
    assert trainee.name in listed and people["other_trainee"].name not in listed
    assert "They asked for their data to be erased" in text(staff.get(f"/admin/people/{trainee.id}"))


def test_an_admin_erases_a_person_after_typing_their_email(app, db, people):
    trainee, admin = people["trainee"], people["admin"]
    name, email = trainee.name, trainee.email
    staff = signed_in(app, admin)
    person_page = text(staff.get(f"/admin/people/{trainee.id}"))
    assert f"/admin/people/{trainee.id}/erase" in person_page
    url = f"/admin/people/{trainee.id}/erase"
    page = text(staff.get(url))
    assert "This cannot be undone" in page and f'type <strong class="nowrap">{email}</strong> below' in page

    wrong = post(staff, url, {"confirmation": "yes please"}, page=url)
    assert wrong.status_code == 200 and "exactly to confirm. Nothing was erased." in text(wrong)
    assert db.session.get(User, trainee.id).erased_at is None and events(db, "user.erased") == []

    done = post(staff, url, {"confirmation": f"  {email.upper()} "}, page=url)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/people/{trainee.id}")
    db.session.expire_all()
    user = db.session.get(User, trainee.id)
    assert (user.name, user.email) == registry.pseudonym(trainee.id) and user.erased_at and not user.is_active
    assert db.session.get(Post, people["post"].id).body_md == registry.ERASED_TEXT
    (event,) = events(db, "user.erased")
    assert event.actor_id == admin.id and event.object_id == str(trainee.id)
    after_page = text(staff.get(f"/admin/people/{trainee.id}"))
    assert "Erased on" in after_page and name not in after_page and "Erase their personal data" not in after_page
    assert staff.get(url).status_code == 302  # already erased: back to their page
    post(staff, f"/admin/people/{trainee.id}/reactivate", page=f"/admin/people/{trainee.id}")
    db.session.expire_all()
    assert not db.session.get(User, trainee.id).is_active  # an erased account is never reactivated
    assert "it cannot be used again" in text(staff.get(f"/admin/people/{trainee.id}"))
    assert login(app.test_client(), SimpleNamespace(email=email)).status_code == 200  # cannot sign in any more


def test_an_admin_cannot_erase_their_own_account(app, db, people):
    admin = people["admin"]
    staff = signed_in(app, admin)
    assert staff.get(f"/admin/people/{admin.id}/erase").status_code == 403
    assert "Erase their personal data" not in text(staff.get(f"/admin/people/{admin.id}"))


def test_an_admin_downloads_anyone_s_data_and_it_is_audited(app, db, people):
    supervisor, admin = people["supervisor"], people["admin"]
    staff = signed_in(app, admin)
    response = post(staff, f"/admin/people/{supervisor.id}/data", page=f"/admin/people/{supervisor.id}")
    assert response.status_code == 200
    files = export.read_archive(response.get_data())
    assert files["data/users.json"]["rows"][0]["id"] == supervisor.id
    assert [r["id"] for r in files["data/supervisor_credentials.json"]["rows"]]
    (event,) = events(db, "user.data_exported")
    assert (event.actor_id, event.object_id, event.after) == (admin.id, str(supervisor.id), {"by": "admin"})
