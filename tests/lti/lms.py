"""A partner's LMS for the tests, built on lti1p3platform (a real LTI 1.3 platform implementation).

It serves its key set and its OIDC authentication endpoint over loopback HTTP; the test plays the browser:
the LMS's preflight URL -> the tool's login initiation -> the LMS's authentication endpoint (which signs the
id_token with lti1p3platform) -> the form post to the tool's launch URL.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def new_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class Launch:
    """Who launches, from which link, and what a hostile LMS changes in the message."""
    sub: str = "lms-user-1"
    roles: list = field(default_factory=lambda: [LEARNER])
    link_id: str = "link-1"
    name: str = "Lee Learner"
    email: str = "lee@lms.example"
    extra_claims: dict = field(default_factory=dict)
    expires_in: int = 300
    drop_nonce: bool = False
    sign_with: str | None = None  # another private key, under the registered key's kid


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs):
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class _Request(Request):
    def build_metadata(self, request):
        return request


class _SignedElsewhere(Registration):
    def __init__(self, real: Registration, other_pem: str):
        self.__dict__.update(real.__dict__)
        self._real_kid = real.get_kid()
        self._platform_private_key = other_pem

    def get_kid(self):
        return self._real_kid


class _MessageLaunch(LTIAdvantageMessageLaunchAbstract):
    plan: Launch

    def get_launch_data(self):
        message, state = super().get_launch_data()
        if self.plan.drop_nonce:
            message.pop("nonce")
        return message, state

    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class Lms:
    def __init__(self, issuer: str, client_id: str, deployment_id: str, tool: str):
        self.key = new_key()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.registration = (Registration().set_iss(issuer).set_client_id(client_id)
                             .set_deployment_id(deployment_id).set_oidc_login_url(f"{tool}/lti/login")
                             .set_launch_url(f"{tool}/lti/launch").set_platform_private_key(self.key)
                             .set_platform_public_key(public_pem(self.key)))
        self.plan = Launch()
        self.browser = False  # the authentication endpoint answers the auto-submitting form a browser gets
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def urls(self) -> dict:
        return {"auth_login_url": f"{self.base}/auth", "auth_token_url": f"{self.base}/token",
                "key_set_url": f"{self.base}/jwks"}

    def _handler(self):
        lms = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                kind = "application/json"
                if url.path == "/jwks":
                    raw = json.dumps({"keys": lms.registration.get_jwks()}).encode()
                elif url.path == "/auth" and lms.browser:
                    raw, kind = lms.launch_form(lms.authenticate(dict(parse_qsl(url.query)))), "text/html"
                elif url.path == "/auth":
                    raw = json.dumps(lms.authenticate(dict(parse_qsl(url.query)))).encode()
                elif url.path == "/course":
                    raw, kind = lms.course_page(), "text/html"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler

    def authenticate(self, params: dict) -> dict:
        """The LMS's OIDC authentication endpoint: lti1p3platform checks the tool's response and signs the
        launch (returned as the fields of the form the LMS would auto-submit)."""
        plan = self.plan
        registration = self.registration
        if plan.sign_with:
            registration = _SignedElsewhere(registration, plan.sign_with)
        launch = _MessageLaunch(_Request({"get_data": params, "form_data": {}}), _Conf(registration=registration))
        launch.plan = plan
        launch.set_id_token_expiration(plan.expires_in)
        launch.set_user_data(plan.sub, plan.roles, full_name=plan.name, email_address=plan.email)
        launch.set_resource_link_claim(plan.link_id, title="Peer support course")
        launch.set_launch_context_claim("course-1", context_title="Staff training")
        if plan.extra_claims:
            launch.set_extra_claims(plan.extra_claims)
        return launch.lti_launch()

    def preflight_url(self) -> str:
        login = _Login(None, _Conf(registration=self.registration))
        login.set_lti_message_hint(hint=self.plan.link_id)
        return login.initiate_login(self.plan.sub)

    def course_page(self) -> bytes:
        """The LMS's course page: the tool's link opened in an iframe, as Moodle and Canvas embed it."""
        src = html.escape(self.preflight_url())
        return (f"<!doctype html><title>Staff training</title><h1>Staff training</h1>"
                f'<iframe title="Peer support course" src="{src}" width="1000" height="700"></iframe>').encode()

    @staticmethod
    def launch_form(data: dict) -> bytes:
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(data[k])}">' for k in ("id_token", "state"))
        return (f'<!doctype html><form method="post" action="{html.escape(data["launch_url"])}">{fields}</form>'
                "<script>document.forms[0].submit()</script>").encode()

    def launch(self, plan: Launch | None = None) -> tuple[requests.Response, dict]:
        """A whole launch as the browser goes through it; returns the tool's answer to the form post and the
        tool's cookies the browser holds."""
        self.plan = plan or Launch()
        answer = requests.get(self.preflight_url(), allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        cookies = dict(answer.cookies)  # Secure cookies: sent by hand over the loopback's plain HTTP
        form = requests.get(answer.headers["Location"], timeout=10).json()
        self.last_form = form
        posted = requests.post(form["launch_url"], data={"id_token": form["id_token"], "state": form["state"]},
                               cookies=cookies, allow_redirects=False, timeout=10)
        self.last_cookies = cookies
        return posted, cookies

    def replay(self) -> requests.Response:
        form = self.last_form
        return requests.post(form["launch_url"], data={"id_token": form["id_token"], "state": form["state"]},
                             cookies=self.last_cookies, allow_redirects=False, timeout=10)
