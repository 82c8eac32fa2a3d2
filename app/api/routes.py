"""JSON API v1. Each request carries `Authorization: Bearer <key>`; the key's organization scopes every
answer, and another organization's objects answer 404. One error format: {"error": {"code", "message"}}."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from app import policy
from app.admin.services import Invitation
from app.api import keys, services
from app.api.openapi import document
from app.certificates import clr, shares
from app.certificates.services import IssuerSettings
from app.certificates.transcript_pdf import render_shared
from app.db import utcnow
from app.errors import DomainError
from app.extensions import csrf, db, limiter
from app.guards import guard
from app.inputs import db_int
from app.models import Cohort
from app.partners.roster import enroll_one

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # authenticated by key, never by cookie
MAX_PER_PAGE = 100
ENROLL_FIELDS = {"email", "first_name", "last_name"}


def _rate_key() -> str:
    return request.headers.get("Authorization", "")[-24:] or (request.remote_addr or "")


limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", "300 per minute"), key_func=_rate_key)(bp)


def error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def http_error(exc: HTTPException):
    codes = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
             413: "too_large", 429: "rate_limited"}
    message = exc.description if exc.code in (400, 401) else {
        404: "Not found, or not your organization's.", 429: "Too many requests; slow down and retry."}.get(
        exc.code, exc.name)
    return error(exc.code or 500, codes.get(exc.code, "error"), message)


# by code, not by class: the app's HTML handlers for these codes would otherwise win
for _code in (400, 401, 404, 405, 413, 429):
    bp.register_error_handler(_code, http_error)


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    db.session.rollback()
    return error(422, "refused", str(exc))


@bp.before_request
def authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header.lower().startswith("bearer ") else ""
    try:
        g.api_key = keys.authenticate(raw)
    except keys.KeyRefused as exc:
        return error(401, "unauthorized", str(exc))
    g.org = g.api_key.organization
    db.session.commit()  # last_used_at
    return None


def paginated(stmt, to_json=None, *, page_json=None):
    """A page of `stmt`'s rows as JSON: each by `to_json`, or the whole page at once by `page_json` (so that
    what the rows need is loaded in one query for the page, not one per row)."""
    try:  # a machine client sent it: anything but a whole number in range is refused, not guessed at
        page, per_page = db_int(request.args.get("page", "1")), db_int(request.args.get("per_page", "50"))
    except ValueError:
        page = per_page = 0
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        abort(400, f"page must be a whole number, 1 or more, and per_page one between 1 and {MAX_PER_PAGE}.")
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    nxt = url_for(request.endpoint, **{**request.view_args, "page": page + 1, "per_page": per_page}) \
        if result.has_next else None
    data = page_json(result.items) if page_json else [to_json(x) for x in result.items]
    return jsonify({"data": data,
                    "meta": {"page": page, "per_page": per_page, "total": result.total, "next": nxt}})


def own_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.organization_id != g.org.id:
        abort(404)
    return cohort


@bp.get("/openapi.json")
@guard(policy.api_key_holder)
def openapi():
    return jsonify(document())


@bp.get("/cohorts")
@guard(policy.api_key_holder)
def cohorts():
    return paginated(services.cohorts_query(g.org), services.cohort_json)


@bp.get("/cohorts/<int:cohort_id>")
@guard(policy.api_key_holder)
def cohort(cohort_id: int):
    return jsonify(services.cohort_json(own_cohort(cohort_id)))


@bp.get("/cohorts/<int:cohort_id>/enrollments")
@guard(policy.api_key_holder)
def enrollments(cohort_id: int):
    return paginated(services.enrollments_query(own_cohort(cohort_id)), services.enrollment_json)


@bp.post("/cohorts/<int:cohort_id>/enrollments")
@guard(policy.api_key_holder)
def enroll(cohort_id: int):
    cohort = own_cohort(cohort_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("email", "first_name",
                                                                                     "last_name")):
        abort(400, "Send a JSON object with the strings email, first_name and last_name.")
    unknown = sorted(set(body) - ENROLL_FIELDS)
    if unknown:
        abort(400, f"Unknown field {unknown[0]!r}: send only email, first_name and last_name.")
    invitation = Invitation(link_for=lambda raw: url_for("auth.accept_invitation", token=raw, _external=True),
                            hours=current_app.config["INVITATION_HOURS"], backend=current_app.config["MAIL_BACKEND"])
    enrollment, created = enroll_one(g.org, cohort, email=body["email"], first_name=body["first_name"],
                                     last_name=body["last_name"], invitation=invitation,
                                     source={"api_key_id": g.api_key.id})
    db.session.commit()
    response = jsonify(services.enrollment_json(enrollment))
    response.status_code = 201 if created else 200
    return response


@bp.get("/trainees/<int:trainee_id>/progress")
@guard(policy.api_key_holder)
def progress(trainee_id: int):
    trainee = services.org_trainee(g.org, trainee_id) or abort(404)
    return jsonify(services.trainee_progress(g.org, trainee))


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


@bp.get("/trainees")
@guard(policy.api_key_holder)
def trainees():
    base_url, today = _base_url(), utcnow().date()

    def page_json(users):
        ids = [u.id for u in users]
        certificates = services.certificates_by_trainee(ids)
        consents = shares.open_org_shares(g.org.id, ids, utcnow())
        return [services.trainee_credentials_json(u, certificates[u.id], base_url, today, consents[u.id])
                for u in users]

    return paginated(services.trainees_query(g.org), page_json=page_json)


@bp.get("/certificates")
@guard(policy.api_key_holder)
def certificates():
    base_url, today = _base_url(), utcnow().date()
    return paginated(services.certificates_query(g.org), lambda c: services.certificate_json(c, base_url, today))


@bp.get("/transcripts/<int:share_id>.pdf")
@guard(policy.api_key_holder)
def transcript_pdf(share_id: int):
    """A transcript the trainee has let this organization read, while the consent lasts."""
    share = services.org_share(g.org, share_id, utcnow()) or abort(404)
    return Response(render_shared(share, issuer_name=current_app.config["ISSUER_NAME"]), mimetype="application/pdf")


@bp.get("/transcripts/<int:share_id>.jwt")
@guard(policy.api_key_holder)
def transcript_record(share_id: int):
    share = services.org_share(g.org, share_id, utcnow()) or abort(404)
    try:
        token = clr.learner_record(share.user, share.cohort, IssuerSettings.from_config(current_app.config),
                                   now=utcnow())
    except clr.NothingToRecord:
        return error(404, "not_found", "The trainee holds no certificate and has demonstrated no competency yet.")
    return Response(token, mimetype="application/vc+jwt")
