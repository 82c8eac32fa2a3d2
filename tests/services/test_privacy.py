"""Data rights: the export holds every registered table's rows for the person and nothing of anyone else's;
erasure leaves no trace of their name or email in any text column of any table while their certificate
still verifies; retention deletes what is past its time."""

from __future__ import annotations

import base64
import html
import json
from datetime import timedelta

import jwt
import pytest
import sqlalchemy as sa

from app.certificates import credential, keys, verification
from app.db import utcnow
from app.extensions import db as _db
from app.models import (
    AuditEvent,
    Certificate,
    Enrollment,
    EnrollmentStatus,
    JobRun,
    OutboxMessage,
    Post,
    Recording,
    RosterImport,
    SupervisorAssignment,
    User,
)
from app.privacy import erasure, export, registry, retention
from tests import factories
from tests.privacy_data import OTHER_SECRET, build, link_matches


@pytest.fixture
def data(nearly_complete, app, db, tmp_path):
    return build(nearly_complete, app, db, tmp_path / "uploads")


def _zip(person, upload_dir, app) -> tuple[dict, bytes]:
    with export.build(person, upload_dir=upload_dir, platform=app.config["PLATFORM_NAME"]) as archive:
        raw = archive.read()
    return export.read_archive(raw), raw


def _matching_rows(entry: registry.Table, person: User, email: str, links, objects=frozenset()) -> set[int]:
    """The ids of the table's rows any of `links` ties to the person, read row by row (not through
    app/privacy/links.py)."""
    table = _db.metadata.tables[entry.name]
    via = {}
    for link in links:
        if link.via:
            parent = _db.metadata.tables[link.via[0]]
            via[link] = set(_db.session.scalars(sa.select(parent.c.id).where(parent.c[link.via[1]] == person.id)))
    return {row["id"] for row in _db.session.execute(sa.select(table)).mappings()
            if any(link_matches(link, row, person.id, email, via.get(link, set()), objects) for link in links)}


def _expected_ids(entry: registry.Table, person: User, email: str) -> set[int]:
    models = {m.local_table.name: m.class_.__name__ for m in _db.Model.registry.mappers}
    objects = {(models[other.name], str(i)) for other in registry.exported_tables() if other.name != entry.name
               for i in _matching_rows(other, person, email, [k for k in other.subject_links
                                                              if k.match is not registry.Match.USER_OBJECT])}
    return _matching_rows(entry, person, email, entry.links, objects)


def test_the_export_holds_every_registered_table_s_rows_for_the_person_and_nothing_else(data, app):
    person, other = data["person"], data["other"]
    files, raw = _zip(person, data["upload_dir"], app)
    assert {"README.txt", "manifest.json"} <= set(files)
    for entry in registry.exported_tables():
        doc = files[f"data/{entry.name}.json"]
        got = {row["id"] for row in doc["rows"]}
        assert got, f"{entry.name}: the scenario gives the person a row here, the export has none"
        assert got == _expected_ids(entry, person, data["email"]), entry.name
        for row in doc["rows"]:
            assert row["_you_are"], entry.name
            assert not set(entry.secret) & set(row), f"{entry.name}: a secret was exported"
    assert files["data/users.json"]["rows"][0]["email"] == data["email"]
    # audit entries about them: about their account, and about their records (their certificate, their share)
    actions = {r["action"] for r in files["data/audit_events.json"]["rows"]}
    assert {"user.role_changed", "certificate.issued", "transcript.shared"} <= actions
    assert "password_hash" not in files["data/users.json"]["rows"][0]
    mine = {row["body_md"] for row in files["data/posts.json"]["rows"] if "body_md" in row}
    assert f"I am {data['name']}; write to me at {data['email']}." in mine
    # nothing of anyone else's: not the other person's name, email or words, though they share threads and
    # the person graded, hid, recorded, deferred and supervised their records. (Mail sent to the person is
    # theirs as it was sent, and quotes the post they were notified of: it is checked apart.)
    mail = files.pop("data/outbox_messages.json")
    assert {row["to_address"] for row in mail["rows"]} == {data["email"]}
    text = json.dumps(files, default=str, ensure_ascii=False)
    for trace in (other.name, other.email, OTHER_SECRET, "someone.else@example.org"):
        assert trace not in text, trace
    assert other.name not in raw.decode("latin-1").replace(json.dumps(mail, ensure_ascii=False), "")
    roster = files["data/roster_imports.json"]["rows"]
    assert [[r["line"] for r in row["rows"]] for row in roster if "rows" in row] == [[2]]  # only their line
    assert files[f"files/recordings/submission-{data['submission'].id}.webm"].startswith(b"\x1aE\xdf\xa3")
    token = files[f"files/certificates/{data['cert'].serial}.jwt"].decode()
    assert token == data["cert"].credential_jwt
    assert files["manifest.json"]["tables"]["posts"] == len(files["data/posts.json"]["rows"])
    assert {entry.name: n for entry, n in export.counts(person)} == files["manifest.json"]["tables"]


def test_an_actor_s_rows_come_without_the_other_person_s_text(data, app):
    files, _ = _zip(data["person"], data["upload_dir"], app)
    hidden = next(r for r in files["data/posts.json"]["rows"] if r["id"] == data["hidden"].id)
    assert hidden["_you_are"] == ["hidden by"] and "body_md" not in hidden
    graded = [r for r in files["data/rubric_grades.json"]["rows"] if r["_you_are"] == ["grader"]]
    assert graded and all(r["overall_comment"] == "Nicely paced." for r in graded)  # what they wrote themselves


def _all_text(name: str, email: str) -> list[str]:
    """Every text, string or JSON cell of every table that holds the name or the email (case-insensitive)."""
    hits = []
    for table in _db.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
        if not cols:
            continue
        for row in _db.session.execute(sa.select(table.c.id, *cols)).mappings():
            for col in cols:
                value = row[col.name]
                cell = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in (name, email):
                    if needle.lower() in (cell or "").lower():
                        hits.append(f"{table.name}.{col.name}#{row['id']}: {cell[:120]}")
    return hits


def _audit_rows() -> list[tuple]:
    return [tuple(r) for r in _db.session.execute(sa.select(AuditEvent.__table__).order_by(AuditEvent.id))]


def test_erasure_leaves_no_trace_of_the_person_while_their_certificate_verifies(data, app, db):
    person, name, email, cert = data["person"], data["name"], data["email"], data["cert"]
    assert _all_text(name, email)  # the scenario really does put them everywhere
    audit_before = _audit_rows()
    recording = data["upload_dir"] / "rec-cora.webm"
    assert recording.exists()

    done = erasure.erase(person, actor=data["admin"], confirmation=email.upper(), ip="203.0.113.9")
    assert recording.exists()  # until the erasure is committed
    db.session.commit()
    assert erasure.remove_files(done, data["upload_dir"]) == 1
    db.session.expire_all()

    assert _all_text(name, email) == []
    assert _all_text("@Cora", "Cora Complete") == []  # the first-name @mention too
    user = db.session.get(User, person.id)
    assert (user.name, user.email) == registry.pseudonym(person.id) == (done.pseudonym, user.email)
    assert not user.is_active and user.password_hash is None and user.erased_at is not None
    assert not recording.exists()
    assert db.session.scalar(sa.select(Recording.deleted_at).where(Recording.stored_name == "rec-cora.webm"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisorAssignment).where(
        SupervisorAssignment.trainee_id == person.id)) == 0
    assert {e.status for e in db.session.scalars(sa.select(Enrollment).where(Enrollment.user_id == person.id))} \
        <= {EnrollmentStatus.WITHDRAWN, EnrollmentStatus.COMPLETED, EnrollmentStatus.DEFERRED}
    # their posts keep their place, without their words; the other person's post @mentioning them says the pseudonym
    own = db.session.scalars(sa.select(Post).where(Post.author_id == person.id)).all()
    assert own and {p.body_md for p in own} == {registry.ERASED_TEXT}
    mentions = db.session.get(Post, data["other_post"].id).body_md
    assert mentions == f"Good point @{done.pseudonym}, I agree."
    # the other person's records are untouched
    assert OTHER_SECRET in data["hidden"].body_md

    # the certificate: kept as issued, still verifies by serial and by its signed credential
    cert = db.session.get(Certificate, cert.id)
    assert cert.snapshot["holder"] == registry.WITHHELD_NAME and cert.user_id == person.id
    trusted, today = keys.known_dids(app.config["ISSUER_KEY_DIR"]), utcnow().date()
    by_serial = verification.check_text(cert.serial, trusted=trusted, today=today)
    assert by_serial.ok and by_serial.state == "active"
    signed = verification.check_text(cert.credential_jwt, trusted=trusted, today=today)
    assert signed.ok and signed.cert.id == cert.id
    assert credential.verify_jwt(cert.credential_jwt, trusted=trusted).ok
    # documented residue: the signed credential still names the holder as issued (changing it would break the
    # signature) and holds only a salted hash of the email, which is not found as text
    claims = jwt.decode(cert.credential_jwt, options={"verify_signature": False})
    assert claims["credentialSubject"]["name"] == name
    assert email not in base64.urlsafe_b64decode(cert.credential_jwt.split(".")[1] + "==").decode()

    # the audit log is not changed, and one entry records the erasure without naming anyone
    after = _audit_rows()
    assert after[:len(audit_before)] == audit_before
    (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.erased")).all()
    assert (event.actor_id, event.object_id, event.ip) == (data["admin"].id, str(person.id), "203.0.113.9")
    assert event.after["pseudonym"] == done.pseudonym and event.after["posts: emptied"] >= 1

    # what is left to export is the pseudonym's
    files, raw = _zip(user, data["upload_dir"], app)
    assert name not in raw.decode("latin-1") and email not in json.dumps(files, default=str)


def test_the_verify_page_withholds_an_erased_holder_s_name(data, app, db, client):
    cert = data["cert"]
    erasure.erase(data["person"], actor=data["admin"], confirmation=data["email"])
    db.session.commit()
    page = html.unescape(client.get(f"/verify/{cert.serial}").get_data(as_text=True))
    assert "This certificate is valid" in page and registry.WITHHELD_NAME in page
    assert data["name"] not in page and "still verifies" in page


@pytest.mark.parametrize("typed", ["", "someone@example.org", "erase"])
def test_erasure_needs_the_typed_confirmation(data, db, typed):
    with pytest.raises(erasure.ErasureRefused, match="Type .* exactly"):
        erasure.erase(data["person"], actor=data["admin"], confirmation=typed)
    db.session.rollback()
    assert db.session.get(User, data["person"].id).erased_at is None


def test_erasure_is_refused_for_oneself_and_for_someone_already_erased(data, db):
    admin = data["admin"]
    with pytest.raises(erasure.ErasureRefused, match="your own account"):
        erasure.erase(admin, actor=admin, confirmation=admin.email)
    db.session.rollback()
    erasure.erase(data["person"], actor=admin, confirmation=data["email"])
    db.session.commit()
    person = db.session.get(User, data["person"].id)
    with pytest.raises(erasure.ErasureRefused, match="already erased"):
        erasure.erase(person, actor=admin, confirmation=person.email)


def test_mail_to_an_erased_person_is_never_queued(db, people):
    from app.mailer import queue_mail

    _, address = registry.pseudonym(7)
    queue_mail(to=address, subject="Your certificate was suspended", body="...", backend="outbox")
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_retention_deletes_old_mail_rosters_and_job_records_only(app, db, people):
    now = utcnow()
    old, recent = now - timedelta(days=400), now - timedelta(days=1)
    factories.make_outbox(sent_at=old, created_at=old, subject="old sent")
    factories.make_outbox(dead_at=old, created_at=old, subject="old dead")
    factories.make_outbox(created_at=old, subject="old but still waiting")
    factories.make_outbox(sent_at=recent, subject="recent")
    people["roster_import"].created_at = old
    factories.make_roster_import(people["org_a"], people["cohort"])
    for job, started in (("mail", old), ("mail", old), ("mail", recent), ("digest", old)):
        db.session.add(JobRun(job=job, status="ok", started_at=started))
    db.session.commit()

    result = retention.enforce(app.config, now=now)
    db.session.commit()

    assert (result.mail, result.rosters, result.logs) == (2, 1, 2)
    assert set(db.session.scalars(sa.select(OutboxMessage.subject))) == {"old but still waiting", "recent"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport)) == 1
    # the latest run of each job stays, however old: the Jobs page shows it
    assert sorted(db.session.scalars(sa.select(JobRun.job))) == ["digest", "mail"]


def test_the_retention_job_is_scheduled_and_says_what_it_deleted(app, db, people):
    from app.jobs import JOBS
    from app.jobs.record import run_recorded

    job = JOBS["retention"]
    assert job.crontab == {"minute": "45", "hour": "3"}
    summary = run_recorded(app, job, trigger="command")
    assert summary.startswith("0 mail older than 90 days, 0 roster upload(s) older than 30 days")
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == "retention"))
    assert run.status == "ok" and run.summary == summary


def test_two_admins_erasing_at_once_erase_once(data, app, db):
    from app.models import Role
    from tests.conftest import race

    second = factories.make_user(Role.ADMIN)
    db.session.commit()
    pid, email = data["person"].id, data["email"]

    def by(admin_id):
        def prepare():
            person, admin = _db.session.get(User, pid), _db.session.get(User, admin_id)
            return lambda: erasure.erase(person, actor=admin, confirmation=email)
        return prepare

    outcomes = race(app, [by(data["admin"].id), by(second.id)])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"This person's data was already erased.", "locked"}
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.erased")) == 1
