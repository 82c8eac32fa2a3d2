"""Certificates: the trainee's page, documents, public verification, status lists, revocation."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from limits import parse as parse_limit
from sqlalchemy.orm import contains_eager

from app import policy
from app.certificates import clr, credential, keys, services, shares, transcript, verification
from app.certificates.document import certificate_pdf
from app.certificates.forms import ConductForm, OrgShareForm, ShareForm, StatusForm, VerifyForm
from app.certificates.transcript_pdf import render as render_transcript
from app.certificates.transcript_pdf import render_shared
from app.certificates.triggers import issue_after
from app.cohorts.services import roster
from app.db import utcnow
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.extensions import db, limiter
from app.forms import ActionForm
from app.guards import authorize, guard, not_found_unless
from app.inputs import page_number
from app.learn.loading import load_cohort
from app.main.services import trainee_enrollments
from app.models import Certificate, CertificateStatus, TranscriptShare, User
from app.views import committed

bp = Blueprint("certificates", __name__, template_folder="templates")


def _settings() -> services.IssuerSettings:
    return services.IssuerSettings.from_config(current_app.config)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


#: "TMC-2026-" of "TMC-2026-AB3D-9XYZ": the part of a serial a guesser cannot vary
_SERIAL_PATTERN = re.compile(r"^([A-Z][A-Z0-9]*-\d{4})-")


def _verify_miss_limit() -> str:
    return current_app.config["VERIFY_MISS_RATE_LIMIT"]


def _too_many_misses() -> bool:
    """Look-ups that find nothing are also counted per reference pattern, whatever address they come from, so
    guessing serials from many addresses is slowed as much as from one. Only misses are counted and refused:
    a real certificate always verifies, so nobody can lock an employer out by spending the count."""
    if not limiter.enabled:
        return False
    ref = str((request.view_args or {}).get("reference", "")).upper()
    match = _SERIAL_PATTERN.match(ref)
    pattern = match.group(1) if match else ("uuid" if len(ref) == 36 else "other")
    return not limiter.limiter.hit(parse_limit(_verify_miss_limit()), "verify-miss", pattern)


def _verify_url(cert: Certificate) -> str:
    return f"{_settings().base_url}/verify/{cert.serial}"


@bp.get("/certificate")
@guard(policy.can_have_certificates)
def mine():
    items = []
    for enrollment in trainee_enrollments(current_user):
        cohort = enrollment.cohort
        reqs = services.requirements_for(current_user, cohort)
        items.append({"cohort": cohort, "requirements": reqs, "met": sum(r.met for r in reqs),
                      "certificate": services.standing_certificate(current_user.id, cohort),
                      "conduct_signed": next((r.met for r in reqs if r.key == "code-of-conduct"), True)})
    past = db.session.scalars(sa.select(Certificate).where(Certificate.user_id == current_user.id,
                                                           Certificate.active_key.is_(None))).all()
    links: dict[int, list] = {}
    for share in shares.shares_of(current_user):
        links.setdefault(share.cohort_id, []).append(share)
    return render_template("certificates/mine.html", items=items, past=past, form=ConductForm(),
                           share_form=ShareForm(), org_share_form=OrgShareForm(), action_form=ActionForm(),
                           shares=links, now=utcnow())


@bp.post("/certificate/<int:cohort_id>/conduct")
@guard(policy.can_have_certificates)
def sign_conduct(cohort_id: int):
    cohort, enrolled = load_cohort(cohort_id)
    authorize(policy.can_sign_conduct(current_user, is_enrolled=enrolled))
    form = ConductForm()
    if form.validate_on_submit():
        if not form.agree.data:
            flash("Tick the box to sign the code of conduct.", "error")
        else:
            services.sign_conduct(current_user, cohort)
            db.session.commit()
            issued = issue_after([current_user.id])
            flash("Certificate issued." if issued else "Signed. Thank you.", "success")
    return redirect(url_for("certificates.mine"))


def _load(cert_uuid: str) -> Certificate:
    cert = db.session.scalar(sa.select(Certificate).where(Certificate.uuid == cert_uuid)) or abort(404)
    not_found_unless(policy.can_view_certificate(current_user, cert))
    return cert


@bp.get("/certificates/<cert_uuid>")
@guard(policy.signed_in)
def show(cert_uuid: str):
    cert = _load(cert_uuid)
    return render_template("certificates/show.html", cert=cert, state=cert.state_on(utcnow().date()),
                           verify_url=_verify_url(cert))


@bp.get("/certificates/<cert_uuid>.pdf")
@guard(policy.signed_in)
def pdf(cert_uuid: str):
    cert = _load(cert_uuid)
    body = certificate_pdf(cert, verify_url=_verify_url(cert), issuer_name=_settings().name)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{cert.serial}.pdf"'})


@bp.get("/certificates/<cert_uuid>/credential.jwt")
@guard(policy.signed_in)
def credential_jwt(cert_uuid: str):
    cert = _load(cert_uuid)
    authorize(policy.can_download_credential(current_user, cert))
    return Response(cert.credential_jwt or "", mimetype="application/jwt", headers={
        "Content-Disposition": f'attachment; filename="{cert.serial}-open-badge.jwt"'})


@bp.get("/verify/<reference>")
@guard(policy.public)
@limiter.limit(_verify_limit)
def verify(reference: str):
    cert = services.find(reference)
    if cert is None:
        if _too_many_misses():
            return render_template("certificates/verify_unknown.html", slowed=True), 429, {"Retry-After": "3600"}
        return render_template("certificates/verify_unknown.html"), 404
    return render_template("certificates/verify.html", cert=cert, state=cert.state_on(utcnow().date()))


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/verify/credential", methods=["GET", "POST"], endpoint="verify_credential")
@guard(policy.public)
@limiter.limit(_verify_limit, methods=["POST"])
def verify_any():
    """One form for a serial, an ID, a link, a pasted credential or an uploaded file."""
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        trusted, today = keys.known_dids(_settings().key_dir), utcnow().date()
        upload = request.files.get("upload")
        if upload and upload.filename:
            with upload.stream:
                data = upload.stream.read(verification.MAX_UPLOAD + 1)
            verdict = verification.check_upload(data, trusted=trusted, today=today, base_url=_settings().base_url)
        else:
            verdict = verification.check_text(form.token.data or "", trusted=trusted, today=today)
    return render_template("certificates/verify_any.html", form=form, verdict=verdict)


def _status_list(purpose: str, key: keys.IssuerKey | None, url: str) -> Response:
    if purpose not in credential.STATUS_PURPOSES or key is None:
        abort(404)
    body = credential.status_list_credential(purpose, services.status_indexes(purpose), key, url=url, now=utcnow())
    return Response(body, mimetype="application/vc+jwt", headers={"Cache-Control": "no-cache"})


@bp.get("/credentials/status/<purpose>")
@guard(policy.public)
def status_list(purpose: str):
    """The list the first credentials name (signed by the current key)."""
    settings = _settings()
    try:
        key = keys.current_key(settings.key_dir, create=settings.create_key)
    except keys.KeyMissing:
        return Response("The issuer's signing keys are not available, so no status list can be signed. Try later.",
                        status=503, mimetype="text/plain", headers={"Retry-After": "300"})
    return _status_list(purpose, key, f"{settings.base_url}/credentials/status/{purpose}")


@bp.get("/credentials/status/<purpose>/<int:key_number>")
@guard(policy.public)
def key_status_list(purpose: str, key_number: int):
    """The list as published by one signing key: the one its credentials name."""
    settings = _settings()
    return _status_list(purpose, keys.key_by_number(settings.key_dir, key_number),
                        f"{settings.base_url}/credentials/status/{purpose}/{key_number}")


@bp.route("/certificates/<cert_uuid>/status", methods=["GET", "POST"])
@guard(policy.can_change_certificate_status)
def change_status(cert_uuid: str):
    cert = _load(cert_uuid)
    form = StatusForm()
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors.append("Confirm that you understand what happens.")
        else:
            try:
                services.change_status(cert, CertificateStatus(form.action.data), actor=current_user,
                                       reason=form.reason.data, settings=_settings(), ip=request.remote_addr)
            except services.CertificateRefused as exc:
                db.session.rollback()
                form.reason.errors.append(str(exc))
            else:
                db.session.commit()
                flash(f"Certificate {cert.serial} is now {cert.status.value}.", "success")
                return redirect(url_for("certificates.show", cert_uuid=cert.uuid))
    return render_template("certificates/change_status.html", cert=cert, form=form)


@bp.get("/cohorts/<int:cohort_id>/certification")
@guard(policy.signed_in)
def cohort_certification(cohort_id: int):
    cohort, _enrolled = load_cohort(cohort_id)
    authorize(policy.can_see_roster(current_user, cohort))
    enrollments = [e for e in roster(cohort) if e.is_current]
    plan = load_plan(cohort.course)
    records = load_records(cohort, [e.user_id for e in enrollments])
    certs = {c.user_id: c for c in db.session.scalars(sa.select(Certificate).where(
        Certificate.cohort_id == cohort.id, Certificate.active_key.is_not(None)))}
    rows = []
    for e in enrollments:
        reqs = engine.evaluate(records[e.user_id], plan)
        rows.append({"enrollment": e, "met": sum(r.met for r in reqs), "total": len(reqs),
                     "next": next((r.missing for r in reqs if not r.met), ""),
                     "ready": engine.ready_for_signoff(reqs) and not records[e.user_id].final_signoff,
                     "certificate": certs.get(e.user_id)})
    return render_template("certificates/cohort.html", cohort=cohort, rows=rows, form=ActionForm(),
                           can_sign=policy.can_final_signoff(current_user, cohort))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:user_id>/signoff")
@guard(policy.signed_in)
def signoff(cohort_id: int, user_id: int):
    cohort, _enrolled = load_cohort(cohort_id)
    authorize(policy.can_final_signoff(current_user, cohort))
    trainee = db.session.get(User, user_id) or abort(404)
    not_found_unless(any(e.user_id == trainee.id and e.is_current for e in roster(cohort)))
    if ActionForm().validate_on_submit():
        try:
            services.final_signoff(trainee, cohort, current_user)
        except services.CertificateRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            issued = issue_after([trainee.id])
            flash(f"{trainee.name} signed off." + (" Their certificate was issued." if issued else ""), "success")
    return redirect(url_for("certificates.cohort_certification", cohort_id=cohort.id))


@bp.get("/admin/certificates")
@guard(policy.can_change_certificate_status)
def admin_index():
    q = (request.args.get("q") or "").strip()
    stmt = (sa.select(Certificate).join(User, User.id == Certificate.user_id)
            .options(contains_eager(Certificate.user))  # the page names each holder: no SELECT per row
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).like(like), sa.func.lower(User.email).like(like),
                                 sa.func.lower(Certificate.serial).like(like)))
    page = db.paginate(stmt, page=request.args.get("page", 1, type=page_number), per_page=25, error_out=False)
    return render_template("certificates/admin_index.html", page=page, q=q, today=utcnow().date())


# Transcripts and the links a trainee shares them by -----------------------------------

def _download(body: bytes | str, filename: str, mimetype: str = "application/pdf") -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/certificate/<int:cohort_id>/transcript.pdf")
@guard(policy.can_have_certificates)
def transcript_pdf(cohort_id: int):
    cohort, enrolled = load_cohort(cohort_id)
    authorize(policy.can_share_transcript(current_user, is_enrolled=enrolled))
    body = render_transcript(transcript.transcript_for(current_user, cohort), issuer_name=_settings().name)
    return _download(body, f"transcript-{cohort.id}.pdf")


def _record_response(user, cohort, filename: str):
    """The signed learner record (CLR 2.0 as a VC-JWT), or None when it would hold no credential yet."""
    try:
        token = clr.learner_record(user, cohort, _settings(), now=utcnow())
    except clr.NothingToRecord:
        return None
    return _download(token, filename, "application/vc+jwt")


@bp.get("/certificate/<int:cohort_id>/learner-record.jwt")
@guard(policy.can_have_certificates)
def learner_record(cohort_id: int):
    cohort, enrolled = load_cohort(cohort_id)
    authorize(policy.can_share_transcript(current_user, is_enrolled=enrolled))
    response = _record_response(current_user, cohort, f"learner-record-{cohort.id}.jwt")
    if response is None:
        flash("Your learner record holds your certificate and the competencies you have demonstrated in graded "
              "role-plays; there is nothing to put in it yet.", "info")
        return redirect(url_for("certificates.mine") + "#transcript")
    return response


@bp.post("/certificate/<int:cohort_id>/shares")
@guard(policy.can_have_certificates)
def create_share(cohort_id: int):
    cohort, enrolled = load_cohort(cohort_id)
    authorize(policy.can_share_transcript(current_user, is_enrolled=enrolled))
    form = ShareForm()
    if not form.validate_on_submit():
        flash("Say who the link is for and how long it works.", "error")
    else:
        ok, made = committed(lambda: shares.create_share(current_user, cohort, recipient=form.recipient.data,
                                                             days=form.days.data, now=utcnow(), ip=request.remote_addr))
        if ok:
            share, token = made
            flash(f"Send this link to {share.recipient}; it is shown only this once and works until "
                  f"{share.expires_at:%B %-d, %Y}: {_settings().base_url}/transcripts/{token}", "success")
    return redirect(url_for("certificates.mine") + "#transcript")


@bp.post("/certificate/<int:cohort_id>/org-share")
@guard(policy.can_have_certificates)
def share_with_organization(cohort_id: int):
    cohort, enrolled = load_cohort(cohort_id)
    authorize(policy.can_share_transcript(current_user, is_enrolled=enrolled))
    form = OrgShareForm()
    org = current_user.organization
    if org is None:
        flash("You are not a member of an organization.", "error")
    elif not form.validate_on_submit():
        flash("Choose how long your organization may read it.", "error")
    elif committed(lambda: shares.create_share(current_user, cohort, recipient="", days=form.days.data, now=utcnow(),
                                               ip=request.remote_addr, organization=org))[0]:
        flash(f"{org.name} can read this transcript from its own systems for {form.days.data} days. You can "
              "withdraw it below at any time.", "success")
    return redirect(url_for("certificates.mine") + "#transcript")


@bp.post("/certificate/shares/<int:share_id>/withdraw")
@guard(policy.can_have_certificates)
def withdraw_share(share_id: int):
    share = db.session.get(TranscriptShare, share_id) or abort(404)
    not_found_unless(policy.can_withdraw_share(current_user, share))
    if ActionForm().validate_on_submit() and committed(
            lambda: shares.revoke_share(share, current_user, now=utcnow(), ip=request.remote_addr))[0]:
        flash(f"The link for {share.recipient} no longer works.", "success")
    return redirect(url_for("certificates.mine") + "#transcript")


def _open_share(token: str):
    share = shares.find_share(token)
    if share is None:
        return None, (render_template("certificates/share_closed.html", reason="unknown"), 404)
    if not share.open_at(utcnow()):
        reason = "withdrawn" if share.revoked_at else "expired"
        return None, (render_template("certificates/share_closed.html", reason=reason), 410)
    return share, None


@bp.get("/transcripts/<token>")
@guard(policy.public)
@limiter.limit(_verify_limit)
def shared_transcript(token: str):
    share, refusal = _open_share(token)
    if refusal:
        return refusal
    cert = services.standing_certificate(share.user_id, share.cohort)
    return render_template("certificates/shared_transcript.html", share=share, token=token, cert=cert,
                           t=transcript.transcript_for(share.user, share.cohort),
                           state=cert.state_on(utcnow().date()) if cert else None)


@bp.get("/transcripts/<token>.jwt")
@guard(policy.public)
@limiter.limit(_verify_limit)
def shared_learner_record(token: str):
    share, refusal = _open_share(token)
    if refusal:
        return refusal
    return _record_response(share.user, share.cohort, "learner-record.jwt") or (
        render_template("certificates/share_closed.html", reason="empty"), 404)


@bp.get("/transcripts/<token>.pdf")
@guard(policy.public)
@limiter.limit(_verify_limit)
def shared_transcript_pdf(token: str):
    share, refusal = _open_share(token)
    if refusal:
        return refusal
    return _download(render_shared(share, issuer_name=_settings().name), "transcript.pdf")
