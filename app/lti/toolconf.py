"""pylti1p3's tool configuration, read from the `lti_platforms` table, and the launch's stricter checks.

A registration is found by (issuer, client id), so one issuer (Canvas cloud, a shared Moodle) may be
registered by several organizations with their own client ids. Inactive registrations are not found.
"""

from __future__ import annotations

import time

import jwt
import requests
import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfAbstract

from app.extensions import db
from app.lti import keys
from app.models import LtiPlatform

#: seconds of clock difference accepted between the LMS and this server (iat, exp, nbf)
CLOCK_SKEW = 60
#: how long the browser has between the login initiation and the launch
LAUNCH_SECONDS = 300
#: the longest an id_token may still be valid when it arrives; used nonces are kept longer than this
MAX_TOKEN_SECONDS = 3600
COOKIE_PATH = "/lti/"


class DbToolConf(ToolConfAbstract):
    def __init__(self) -> None:
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _platform(self, iss, client_id) -> LtiPlatform | None:
        if not isinstance(iss, str) or not isinstance(client_id, str | None):
            return None  # claims of another shape than a registration's
        stmt = sa.select(LtiPlatform).where(LtiPlatform.issuer == iss, LtiPlatform.is_active.is_(True))
        if client_id:
            return db.session.scalar(stmt.where(LtiPlatform.client_id == client_id))
        found = db.session.scalars(stmt.limit(2)).all()  # a login without client_id: only if unambiguous
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        if platform is None:
            return None
        self.platform = platform
        reg = Registration()
        reg.set_issuer(platform.issuer).set_client_id(platform.client_id)
        reg.set_key_set_url(platform.key_set_url).set_auth_login_url(platform.auth_login_url)
        reg.set_auth_token_url(platform.auth_token_url)
        reg.set_tool_private_key(keys.current_key(current_app.config["ISSUER_KEY_DIR"]).pem)
        return reg

    def find_deployment(self, iss, deployment_id):
        return None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self.platform or self._platform(iss, client_id)
        if platform is None or not isinstance(deployment_id, str) or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


class LaunchCookies(FlaskCookieService):
    """The login-to-launch cookies (state, nonce): `SameSite=None; Secure`, because the launch is a form posted
    from the LMS's site; short-lived and limited to /lti/."""

    def update_response(self, response):
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(key, data["value"], max_age=data["exp"], secure=True, httponly=True,
                                samesite="None", path=COOKIE_PATH)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lti-nonce")


class LaunchSession(SessionService):
    """Keeps the nonce in a signed cookie instead of the app's session (which is SameSite=Lax and would not
    come with the LMS's form post), so the login initiation writes nothing, GET or POST. The database's
    `lti_nonces` makes each nonce single-use once a launch is accepted."""

    def __init__(self, request, cookies: LaunchCookies):  # noqa: D107 - no server-side storage
        self._cookies = cookies

    def save_nonce(self, nonce: str):
        self._cookies.set_cookie(f"nonce-{nonce}", _signer().dumps(nonce), LAUNCH_SECONDS)

    def check_nonce(self, nonce: str) -> bool:
        if not isinstance(nonce, str) or not nonce.isalnum() or len(nonce) > 128:
            return False
        try:
            return _signer().loads(self._cookies.get_cookie(f"nonce-{nonce}") or "") == nonce
        except BadSignature:
            return False

    def check_state_is_valid(self, state, id_token_hash) -> bool:
        return False  # the state is checked against its cookie

    def set_state_valid(self, state, id_token_hash):
        return None

    def save_launch_data(self, key, jwt_body):
        return None

    def save_state_params(self, state, params):
        return None


def oidc_login(request) -> FlaskOIDCLogin:
    cookies = LaunchCookies(request)
    return FlaskOIDCLogin(request, DbToolConf(), session_service=LaunchSession(request, cookies),
                          cookie_service=cookies)


class _BoundedSession(requests.Session):
    """Fetching a platform's key set never hangs a request."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super().request(*args, **kwargs)


class ToolLaunch(FlaskMessageLaunch):
    """pylti1p3's launch, with the audience, expiry and issue time checked by the signature verification
    (pylti1p3 leaves the audience to a client-id comparison) and a bounded clock skew."""

    def __init__(self, request, tool_config: DbToolConf):
        cookies = LaunchCookies(request)
        super().__init__(request, tool_config, session_service=LaunchSession(request, cookies),
                         cookie_service=cookies, requests_session=_BoundedSession())

    def validate_jwt_signature(self):
        public_key, alg = self.get_public_key()
        try:
            jwt.decode(self._get_id_token(), public_key, algorithms=[alg], audience=self._registration.get_client_id(),
                       issuer=self._registration.get_issuer(), leeway=CLOCK_SKEW,
                       options={"require": ["exp", "iat", "aud", "iss", "sub", "nonce"]})
        except jwt.InvalidTokenError as e:
            raise LtiException(f"Can't decode id_token: {e}") from e
        exp = self._jwt.get("body", {}).get("exp")
        if not isinstance(exp, int | float) or exp > time.time() + MAX_TOKEN_SECONDS + CLOCK_SKEW:
            raise LtiException("The id_token is valid for too long: treated as expired")
        return self

    @property
    def http(self) -> requests.Session:
        """The session that fetches the platform's key set (closed after the launch)."""
        return self._requests_session

    def claims(self) -> dict:
        return self._jwt.get("body", {})
