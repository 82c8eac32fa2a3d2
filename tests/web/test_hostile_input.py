"""Hostile input never reaches a 500: integers beyond the database's range in URLs, forms and `?page=`,
NUL and other control characters in any text, hostile `next` targets, and the API's error answers.

`test_no_route_answers_a_server_error` walks every route in the URL map as the personas it serves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for
from wtforms.fields.core import UnboundField

from app.forms import Form
from app.inputs import DB_INT_MAX, safe_next
from tests import factories
from tests.conftest import csrf_token, login
from tests.web.test_route_matrix import LOGIN, MATRIX, PERSONAS, _url_args

HUGE = 10**25
HOSTILE_NEXT = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "/\t/evil.example/", "/\n/evil.example", "/\r\n//evil.example", "/\r//evil.example",
    "https://evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example", " /dashboard",
    "/ /evil.example", "/\x00/evil.example", "/\x7f", "data:text/html,x", "//", "", None, "/" + "a" * 3000,
    "/\u2028//evil.example", "/\u00a0//evil.example", "\t//evil.example",
]


def all_forms() -> list[type]:
    """Every form class the app defines (importing the app has defined them all)."""
    from flask_wtf import FlaskForm

    seen, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("app.")]


def field_names() -> set[str]:
    names = {"next", "action", "back", "q", "course", "program", "org", "cohort", "trainee_id", "supervisor_id",
             "version", "q-1", "email", "password"}
    for cls in all_forms():
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField)}
    return names


# `next` -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_anything_but_a_path_here(target):
    assert safe_next(target, "/dashboard") == "/dashboard"


@pytest.mark.parametrize("target", ["/cohorts/3", "/partners/orgs/1?tab=people#x", "/a/b:c", "/discuss/t/1?page=2"])
def test_safe_next_keeps_a_path_here(target):
    assert safe_next(target, "/dashboard") == target


@pytest.mark.parametrize("target", ["/%0D%0A//evil.example", "/%09/evil.example/", "%2F%2Fevil.example",
                                    "https://evil.example/", "/\\evil.example"])
def test_signing_in_with_a_hostile_next_goes_to_the_dashboard(app, people, target):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target.replace("%0D%0A", "\r\n").replace("%09", "\t")},
                           data={"email": people["trainee"].email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_signing_in_keeps_a_next_on_this_site(app, people):
    client = app.test_client()
    response = client.post("/login?next=/cohorts/", data={"email": people["trainee"].email,
                                                          "password": factories.PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/cohorts/"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "//evil.example", "/\r\n//evil", "https://evil.example"])
def test_the_partner_portal_checks_next_the_same_way(login_as, people, target):
    client = login_as("org_admin")
    trainee = people["trainee"]
    response = client.post(f"/partners/trainees/{trainee.id}/resend-invitation",
                           data={"next": target, "csrf_token": csrf_token(client, "/no-such-page")})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/partners/organizations/{trainee.organization_id}"


# integers ------------------------------------------------------------------------------------------

def test_integers_beyond_the_database_in_a_url_answer_404(login_as, people):
    client = login_as("admin")
    for value in (DB_INT_MAX + 1, HUGE, "9" * 5000):
        assert client.get(f"/cohorts/{value}").status_code == 404
        assert client.get(f"/admin/people/{value}").status_code == 404
    assert client.get(f"/cohorts/{DB_INT_MAX}").status_code == 404  # in range, and no such cohort


@pytest.mark.parametrize("page", [str(HUGE), str(DB_INT_MAX + 1), "-1", "0", "abc", "1e9", "9" * 5000, " 2"])
def test_a_page_number_out_of_range_shows_the_first_page(login_as, people, page):
    client = login_as("admin")
    for path in ("/admin/people", "/admin/audit", "/cohorts/", "/admin/certificates"):
        assert client.get(path, query_string={"page": page}).status_code == 200, path


def test_a_number_beyond_the_database_in_a_form_is_refused_at_its_field(login_as, people):
    client = login_as("supervisor")
    response = client.post("/supervision/group/new", data={
        "duration_minutes": str(HUGE), "csrf_token": csrf_token(client, "/no-such-page")})
    assert response.status_code == 200
    assert "Enter a smaller number." in response.get_data(as_text=True)


# control characters --------------------------------------------------------------------------------

def test_every_form_has_the_control_character_check():
    forms = all_forms()
    assert len(forms) > 30
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []


@pytest.mark.parametrize(("value", "message"), [
    ("Tara\x00Trainee", "Remove the control character U+0000 at position 5: text may not contain it."),
    ("Tara\x1bTrainee", "Remove the control character U+001B at position 5"),
    ("Tara\x85", "U+0085"),
    ("Tara\r\nBcc: x@evil.example", "This is a single line: remove the line break."),
])
def test_control_characters_in_a_text_field_are_refused_with_a_message(login_as, people, db, value, message):
    client = login_as("trainee")
    response = client.post("/account", data={"name": value, "timezone": "America/New_York",
                                             "csrf_token": csrf_token(client, "/no-such-page")})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(people["trainee"]), people["trainee"].id).name != value


def test_line_breaks_and_tabs_are_text_in_a_text_area(discussing_cohort, app, db):
    from app.models import Post

    rc = discussing_cohort
    client = app.test_client()
    login(client, rc["trainee"])
    body = "First line\r\n\tindented second line, with enough words to be a post that counts."
    response = client.post(f"/threads/{rc['thread'].id}", data={
        "body": body, "csrf_token": csrf_token(client, "/no-such-page")})
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    assert "control character" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.body_md.contains("\tindented")))


def test_a_nul_in_the_query_string_is_refused_clearly(login_as, people):
    response = login_as("admin").get("/admin/certificates", query_string={"q": "TMC\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_a_control_character_in_a_url_segment_answers_404(app):
    client = app.test_client()
    assert client.get("/verify/TMC-2026%00-000001").status_code == 404
    assert client.get("/supervision/statements/HS%0A1").status_code == 404


# the API's answers ----------------------------------------------------------------------------------

def test_the_api_answers_json_for_an_unknown_url_and_method(app, db):
    client = app.test_client()
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.is_json
    assert missing.json["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/cohorts")
    assert wrong.status_code == 405 and wrong.is_json
    assert wrong.json["error"]["code"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    huge = client.get(f"/api/v1/cohorts/{HUGE}")
    assert huge.status_code == 404 and huge.is_json


def test_an_api_401_says_how_to_authenticate(app, db):
    response = app.test_client().get("/api/v1/cohorts")
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def api_key(db, people) -> str:
    _key, raw = factories.make_api_key(people["org_a"])
    db.session.commit()
    return raw


def test_the_api_refuses_a_nul_in_json_as_json(app, db, people):
    raw = api_key(db, people)
    response = app.test_client().post(f"/api/v1/cohorts/{people['cohort'].id}/enrollments",
                                      headers={"Authorization": f"Bearer {raw}"},
                                      json={"email": "a\x00@example.org", "first_name": "A", "last_name": "B"})
    assert response.status_code == 400 and response.is_json
    assert "control character (U+0000)" in response.json["error"]["message"]
    response = app.test_client().post(f"/api/v1/cohorts/{people['cohort'].id}/enrollments",
                                      headers={"Authorization": f"Bearer {raw}"},
                                      json={"email": "a@example.org", "first_name": "A\r\nB", "last_name": "B"})
    assert response.status_code == 422  # a line break is text in JSON, but not in a name
    assert response.json["error"]["message"] == "The first name contains a line break or a control character."


def test_an_api_server_error_is_json(app, db, people, monkeypatch):
    from app.api import services

    raw = api_key(db, people)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(services, "cohorts_query", lambda org: 1 / 0)
    response = app.test_client().get("/api/v1/cohorts", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 500 and response.is_json
    assert response.json == {"error": {"code": "server_error",
                                       "message": "Something went wrong on our side. Try again later."}}


def test_an_html_405_names_the_allowed_methods(app, db):
    response = app.test_client().put("/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "Method not allowed" in response.get_data(as_text=True)


# HSTS -------------------------------------------------------------------------------------------------

def test_production_sends_hsts_and_development_does_not(app, db):
    from app import create_app
    from config import ProductionConfig

    class Production(ProductionConfig):
        SECRET_KEY = "x" * 32
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        RATELIMIT_ENABLED = False

    production = create_app(Production)
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with production.app_context():
        from app.extensions import db as _db

        _db.engine.dispose()
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


# the walk ---------------------------------------------------------------------------------------------

def _personas_for(endpoint: str) -> list[str]:
    """The personas a route serves (at most two, one of them the platform admin when it serves them);
    a route that serves nobody without a key or token is still walked, as the admin."""
    _method, answers = MATRIX[endpoint]
    served = [p for p, a in zip(PERSONAS, answers, strict=True)
              if a not in (LOGIN, 401, 403, 404, 410) and p not in ("anonymous", "other_org")]
    picked = [p for p in served if p != "admin"][:1] + (["admin"] if "admin" in served else [])
    return picked or ["admin"]


LAST = ("deactivate", "logout")  # endpoints that could sign a walker out run last


def test_no_route_answers_a_server_error(app, db, people, login_as):
    """Every route, as the personas it serves: integers beyond the database's range in the URL; then the
    real URL with huge page numbers and CRLF in `next`; a NUL in the query string; every form field
    name any form uses, all NUL, then all huge numbers; JSON with a NUL and with control characters."""
    raw = api_key(db, people)
    names = field_names()
    clients = {p: login_as(p) for p in ("trainee", "instructor", "supervisor", "org_admin", "admin")}
    tokens = {p: csrf_token(c, "/no-such-page") for p, c in clients.items()}
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"),
                   key=lambda r: (any(w in r.endpoint for w in LAST), r.endpoint))
    failures: list[str] = []
    requests = 0

    def attempt(label: str, client, method: str, url: str, **kw) -> None:
        nonlocal requests
        requests += 1
        headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}
        try:
            status = client.open(url, method=method, headers=headers, **kw).status_code
        except Exception as exc:  # noqa: BLE001 - a propagated server error, reported with the others
            failures.append(f"{label} {method} {url}: {type(exc).__name__}: {exc}"[:400])
            return
        if status >= 500:
            failures.append(f"{label} {method} {url}: {status}")

    for rule in rules:
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        real = {k: v for k, v in _url_args(people, rule.endpoint).items() if k in rule.arguments}
        with app.test_request_context():
            real_url = url_for(rule.endpoint, **real)
            huge_urls = [url_for(rule.endpoint, **{**real, name: value})
                         for name in rule.arguments if isinstance(real.get(name), int)
                         for value in (DB_INT_MAX + 1, HUGE)]
            nul_urls = [url_for(rule.endpoint, **{**real, name: "a\x00b"})
                        for name in rule.arguments if isinstance(real.get(name), str)]
        admin = clients["admin"]
        for url in huge_urls + nul_urls:
            attempt("out-of-range URL", admin, methods[0], url)
        attempt("NUL query", admin, "GET", real_url + "?q=%00&page=%00")
        if rule.endpoint == "auth.logout":
            continue
        for persona in _personas_for(rule.endpoint):
            client, token = clients[persona], tokens[persona]
            query = {"page": str(HUGE), "per_page": str(HUGE), "next": "/\r\n//evil.example", "program": str(HUGE),
                     "org": str(HUGE), "cohort": str(HUGE), "course": "x\x01"}
            for method in methods:
                if method == "GET":
                    attempt(persona, client, "GET", real_url, query_string=query)
                    continue
                for filler in ("a\x00b", str(HUGE), "\x1b\r\n"):
                    data = {name: filler for name in names} | {"csrf_token": token, "next": "/\r\n//evil.example"}
                    attempt(f"{persona} form {filler!r}", client, method, real_url, query_string=query, data=data)
                if rule.endpoint.startswith("api."):
                    for body in ({"email": "a\x00@example.org", "first_name": "A", "last_name": "B"},
                                 {"email": "x@example.org", "first_name": "A\x01", "last_name": "B\r\n"},
                                 {"email": HUGE, "first_name": [], "last_name": None}, ["not", "an", "object"]):
                        attempt(f"{persona} json", client, method, real_url, json=body)
    assert failures == [], "\n".join(failures)
    assert requests > 700
