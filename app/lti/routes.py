"""LTI 1.3 endpoints: the LMS's login initiation, the launch, the tool's key set, and the first instructor's
choice of cohort. Platform admins' registration pages are in admin_routes.py."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from sqlalchemy.exc import IntegrityError

from app import audit, content_security_policy, policy
from app.auth.services import record_login
from app.db import utcnow
from app.errors import DomainError
from app.extensions import csrf, db
from app.guards import guard, not_found_unless
from app.lti import keys, services
from app.lti.forms import LinkSetupForm
from app.lti.toolconf import DbToolConf, ToolLaunch, oidc_login
from app.models import Cohort, LtiNonce, LtiPlatform, LtiResourceLink

bp = Blueprint("lti", __name__, url_prefix="/lti", template_folder="templates")
RESOURCE_LAUNCH = "LtiResourceLinkRequest"
MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"


def plain(title: str, message: str, status: int = 200):
    """A page with no action and nothing personal on it, shown inside any registered LMS's iframe."""
    response = make_response(render_template("lti/plain.html", title=title, message=message), status)
    platforms = db.session.scalars(sa.select(LtiPlatform).where(LtiPlatform.is_active.is_(True)))
    response.headers["Content-Security-Policy"] = content_security_policy(
        list(dict.fromkeys(o for p in platforms for o in _origins(p))))
    return response


def refused(reason: str, message: str, status: int, *, platform: LtiPlatform | None = None, claims=None):
    """Nothing the launch did is kept; the refusal itself is audited."""
    db.session.rollback()
    claims = claims if isinstance(claims, dict) else {}
    audit.record("lti.launch_refused", platform or LtiPlatform(), ip=request.remote_addr, after={
        "reason": reason, "issuer": str(claims.get("iss", ""))[:255], "audience": str(claims.get("aud", ""))[:255],
        "deployment_id": str(claims.get(services.DEPLOYMENT, ""))[:255]})
    db.session.commit()
    return plain("This launch was refused", message, status)


@bp.route("/login", methods=["GET", "POST"])
@guard(policy.lti_platform)
@csrf.exempt
def login():
    """OIDC third-party initiated login: check the registration, set the state and nonce cookies, send the
    browser to the platform's authentication endpoint. Writes nothing."""
    target = request.values.get("target_link_uri") or ""
    if urlsplit(target).netloc != urlsplit(request.url_root).netloc:
        target = url_for("lti.launch", _external=True)
    try:
        return oidc_login(FlaskRequest()).redirect(target)
    except (OIDCException, LtiException):
        return plain("This sign-in was refused", "The learning system that sent you here is not registered with "
                     "this platform. Ask your organization's administrator.", 400)


@bp.post("/launch")
@guard(policy.lti_platform)
@csrf.exempt
def launch():
    conf = DbToolConf()
    message = ToolLaunch(FlaskRequest(), conf)
    try:
        with message.http:
            claims = message.get_launch_data()
    except (LtiException, AttributeError, KeyError, TypeError, ValueError) as exc:
        current_app.logger.info("LTI launch refused: %s", exc)
        reason = _reason(exc)
        if reason == "state" and request.headers.get("Sec-Fetch-Dest") == "iframe":
            return refused(reason, "Your browser blocks this site's cookies inside your learning system's page, so "
                           "the course cannot open here. Ask your learning system's administrator to open this "
                           "tool in a new window, or allow this site's cookies.", 400, claims=message.claims())
        return refused(reason, "This launch could not be verified. Go back to your course in the learning "
                       "system and open the link again.", 400, platform=conf.platform, claims=message.claims())
    platform = conf.platform
    if claims.get(MESSAGE_TYPE) != RESOURCE_LAUNCH:
        return refused("message_type", "This kind of launch is not supported.", 400, platform=platform, claims=claims)
    # a nonce older than any id_token that could carry it is no longer needed to refuse a replay
    db.session.execute(sa.delete(LtiNonce).where(LtiNonce.used_at < utcnow() - timedelta(days=1)))
    db.session.add(LtiNonce(issuer=platform.issuer, nonce=claims["nonce"]))
    try:
        db.session.flush()
    except IntegrityError:
        return refused("replayed", "This launch was already used. Open the link in your course again.", 400,
                       platform=platform, claims=claims)
    try:
        admitted = services.admit(platform, claims, ip=request.remote_addr)
    except services.LaunchRefused as exc:
        return refused(exc.reason, exc.message, exc.status, platform=platform, claims=claims)
    except IntegrityError:  # the same person's other launch, at the same moment, created them first
        return refused("concurrent", "Another launch of yours was in progress. Open the link again.", 409,
                       platform=platform, claims=claims)
    except DomainError as exc:
        return refused("refused", str(exc), 403, platform=platform, claims=claims)
    if admitted.destination == "unlinked":
        db.session.commit()  # only the nonce: the same token cannot be replayed
        return plain("Not set up yet", "Your instructor has not chosen which cohort this link opens yet. "
                     "Try again later.")
    session.clear()
    login_user(admitted.user)
    session["lti_frame_ancestors"] = _origins(platform)
    record_login(admitted.user)
    db.session.commit()
    if admitted.destination == "setup":
        return redirect(url_for("lti.set_up_link", link_id=admitted.link.id))
    return redirect(url_for("cohorts.show", cohort_id=admitted.link.cohort_id))


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    for needle, reason in (("nonce", "nonce"), ("state", "state"), ("registration", "unknown_platform"),
                           ("client id", "audience"), ("audience", "audience"), ("expired", "expired"),
                           ("deployment", "unknown_deployment"), ("public key", "signature"),
                           ("signature", "signature"), ("kid", "signature"), ("id_token", "invalid_token")):
        if needle in text:
            return reason
    return "invalid"


def _origins(platform: LtiPlatform) -> list[str]:
    """Where this platform's pages embed ours: its own address's, its issuer's and login endpoint's origins."""
    out = []
    for url in (platform.lms_url or "", platform.issuer, platform.auth_login_url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            out.append(f"{parts.scheme}://{parts.netloc}")
    return list(dict.fromkeys(out))


@bp.get("/jwks.json")
@guard(policy.lti_platform)
def jwks():
    return keys.jwks(current_app.config["ISSUER_KEY_DIR"])


@bp.route("/links/<int:link_id>/setup", methods=["GET", "POST"])
@guard(policy.signed_in)
def set_up_link(link_id: int):
    link = db.session.get(LtiResourceLink, link_id)
    not_found_unless(link is not None and policy.can_set_up_lti_link(current_user, link))
    if link.cohort_id is not None:
        return redirect(url_for("cohorts.show", cohort_id=link.cohort_id))
    cohorts = list(db.session.scalars(sa.select(Cohort).where(
        Cohort.organization_id == link.platform.organization_id).order_by(Cohort.start_date.desc(), Cohort.id)))
    form = LinkSetupForm()
    form.cohort_id.choices = [(c.id, f"{c.name} (starts {c.start_date.isoformat()})") for c in cohorts]
    if form.validate_on_submit():
        cohort = next(c for c in cohorts if c.id == form.cohort_id.data)
        services.map_link(link, cohort, actor=current_user, ip=request.remote_addr)
        db.session.commit()
        return redirect(url_for("cohorts.show", cohort_id=link.cohort_id))
    return render_template("lti/link_setup.html", link=link, form=form, cohorts=cohorts)
