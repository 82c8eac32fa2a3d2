"""Certificates over HTTP: the trainee's page, the PDF, public verification, revocation."""

from __future__ import annotations

import io

import pypdf
import sqlalchemy as sa

from app.models import Certificate, Role
from tests import factories
from tests.conftest import csrf_token, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def issue(nc, app, db) -> Certificate:
    trainee = signed_in(app, nc["trainee"])
    page = trainee.get("/certificate").get_data(as_text=True)
    assert "Sign the code of conduct" in page and "33 of 35 requirements met" in page
    url = f"/certificate/{nc['cohort'].id}/conduct"
    refused = trainee.post(url, data={"csrf_token": csrf_token(trainee, "/certificate")}, follow_redirects=True)
    assert "Tick the box to sign" in refused.get_data(as_text=True)
    trainee.post(url, data={"agree": "y", "csrf_token": csrf_token(trainee, "/certificate")})
    lead = signed_in(app, nc["lead"])
    cohort_page = f"/cohorts/{nc['cohort'].id}/certification"
    assert f"Sign off {nc['trainee'].name}" in lead.get(cohort_page).get_data(as_text=True)
    response = lead.post(f"/cohorts/{nc['cohort'].id}/trainees/{nc['trainee'].id}/signoff",
                         data={"csrf_token": csrf_token(lead, cohort_page)}, follow_redirects=True)
    assert "Their certificate was issued." in response.get_data(as_text=True)
    return db.session.scalar(sa.select(Certificate))


def test_pdf_carries_everything_a_reader_needs(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    response = signed_in(app, nearly_complete["trainee"]).get(f"/certificates/{cert.uuid}.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for expected in ("Certificate of Completion – Therapeutic Mentoring", "Cora Complete",
                     "Therapeutic Mentoring Certificate (version 2026.1)", "lecture 14 h", "role-play 7.75 h",
                     "discussion 10 h", "12.75 h approved", "Engagement and rapport", "Cultural humility",
                     f"Issued {cert.issued_at.date().isoformat()}", f"Valid until {cert.valid_until.isoformat()}",
                     app.config["ISSUER_NAME"], "Program Director", "Clinical Supervisor of Record",
                     "not a state license", f"http://localhost/verify/{cert.serial}", cert.serial):
        assert expected in text, expected


def test_the_code_of_conduct_signed_is_the_programs_own_file(nearly_complete, app):
    from tests.conftest import COURSE_DIR

    clause = "I never promise to keep a risk of\n  harm secret"
    assert clause in (COURSE_DIR / "code-of-conduct.md").read_text()
    trainee = signed_in(app, nearly_complete["trainee"])
    before = trainee.get("/certificate").get_data(as_text=True)
    assert "Sign the code of conduct</button>" in before and "I never promise to keep a risk of" in before
    assert "The code of conduct you signed" not in before
    trainee.post(f"/certificate/{nearly_complete['cohort'].id}/conduct",
                 data={"agree": "y", "csrf_token": csrf_token(trainee, "/certificate")})
    after = trainee.get("/certificate").get_data(as_text=True)
    assert "Sign the code of conduct</button>" not in after
    assert "The code of conduct you signed" in after and "I never promise to keep a risk of" in after


def test_public_verification_shows_status_and_nothing_private(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    visitor = app.test_client()
    for reference in (cert.serial, cert.serial.lower(), cert.uuid):
        page = visitor.get(f"/verify/{reference}").get_data(as_text=True)
        assert "This certificate is valid" in page and "Cora Complete" in page
    assert nearly_complete["trainee"].email not in page
    assert "12.75" not in page and "quiz" not in page.lower()  # no hours detail, no grades
    unknown = visitor.get("/verify/TMC-2026-999999")
    assert unknown.status_code == 404 and "Certificate not found" in unknown.get_data(as_text=True)
    assert "Cora" not in unknown.get_data(as_text=True)


def test_admin_revokes_with_a_reason_and_the_visitor_sees_it(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    admin_user = factories.make_user(Role.ADMIN)
    db.session.commit()
    admin = signed_in(app, admin_user)
    url = f"/certificates/{cert.uuid}/status"
    no_reason = admin.post(url, data={"action": "revoked", "reason": "", "confirm": "y",
                                      "csrf_token": csrf_token(admin, url)})
    assert "Write the reason" in no_reason.get_data(as_text=True)
    unconfirmed = admin.post(url, data={"action": "revoked", "reason": "Falsified hours",
                                        "csrf_token": csrf_token(admin, url)})
    assert "Confirm that you understand" in unconfirmed.get_data(as_text=True)
    assert "Falsified hours" in unconfirmed.get_data(as_text=True)  # what was typed is kept
    done = admin.post(url, data={"action": "revoked", "reason": "Falsified hours", "confirm": "y",
                                 "csrf_token": csrf_token(admin, url)})
    assert done.status_code == 302
    page = app.test_client().get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "This certificate was revoked" in page
    assert "Falsified hours" not in page  # the reason is for the holder, not the public


def test_pasted_credentials_are_checked(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    visitor = app.test_client()
    page = "/verify/credential"
    ok = visitor.post(page, data={"token": cert.credential_jwt, "csrf_token": csrf_token(visitor, page)})
    assert "The signature is valid." in ok.get_data(as_text=True) and "Cora Complete" in ok.get_data(as_text=True)
    head, body, sig = cert.credential_jwt.split(".")
    bad = visitor.post(page, data={"token": f"{head}.{body}x.{sig}", "csrf_token": csrf_token(visitor, page)})
    assert "damaged or has been altered" in bad.get_data(as_text=True)
    assert "Cora" not in bad.get_data(as_text=True)


def test_status_list_is_published_and_current(nearly_complete, app, db):
    from app.certificates import credential

    issue(nearly_complete, app, db)
    response = app.test_client().get("/credentials/status/revocation")
    assert response.mimetype == "application/vc+jwt"
    listed = credential.verify_jwt(response.get_data(as_text=True), expect_type="BitstringStatusListCredential")
    assert listed.ok and listed.credential["credentialSubject"]["statusPurpose"] == "revocation"
    assert app.test_client().get("/credentials/status/other").status_code == 404


def test_sweep_command(nearly_complete, app, db, runner):
    from app.certificates import services

    services.sign_conduct(nearly_complete["trainee"], nearly_complete["cohort"])
    services.final_signoff(nearly_complete["trainee"], nearly_complete["cohort"], nearly_complete["lead"])
    db.session.commit()
    first = runner.invoke(args=["certificates", "sweep"])
    assert "1 certificate(s) issued: " in first.output and "Cora Complete" in first.output
    assert "0 certificate(s) issued." in runner.invoke(args=["certificates", "sweep"]).output


def test_a_failure_to_issue_never_loses_the_sign_off_and_the_sweep_issues_later(nearly_complete, app, db, runner,
                                                                               tmp_path, monkeypatch):
    """No issuer key yet: the lead's sign-off (the trainee's last requirement) is saved all the same, the
    admins see the failed issuance on the Jobs page, and the hourly run issues once a key exists."""
    from app.certificates import services
    from app.models import FinalSignoff, JobRun

    nc = nearly_complete
    services.sign_conduct(nc["trainee"], nc["cohort"])
    db.session.commit()
    monkeypatch.setitem(app.config, "ISSUER_KEY_DIR", str(tmp_path / "no-keys-yet"))
    monkeypatch.setitem(app.config, "ISSUER_KEY_AUTOCREATE", False)
    lead = signed_in(app, nc["lead"])
    cohort_page = f"/cohorts/{nc['cohort'].id}/certification"
    response = lead.post(f"/cohorts/{nc['cohort'].id}/trainees/{nc['trainee'].id}/signoff",
                         data={"csrf_token": csrf_token(lead, cohort_page)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{nc['trainee'].name} signed off." in page
    assert "certificate was issued" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FinalSignoff)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    failure = db.session.scalar(sa.select(JobRun).where(JobRun.job == "certificates"))
    assert failure.status == "retrying" and "No issuer key" in failure.summary
    admin_user = factories.make_user(Role.ADMIN)
    db.session.commit()
    admin = signed_in(app, admin_user)
    assert "No issuer key" in admin.get("/admin/jobs").get_data(as_text=True)

    monkeypatch.setitem(app.config, "ISSUER_KEY_AUTOCREATE", True)
    assert "1 certificate(s) issued: " in runner.invoke(args=["certificates", "sweep"]).output
    assert db.session.scalar(sa.select(Certificate)).user_id == nc["trainee"].id
