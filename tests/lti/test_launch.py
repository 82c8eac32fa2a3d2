"""LTI 1.3 launches from a real platform implementation (lti1p3platform) over loopback HTTP into the running
app: identity, roles, enrollment and seats, and every kind of hostile launch refused with nothing created."""

from __future__ import annotations

import re

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import (
    AuditEvent,
    CohortInstructor,
    Enrollment,
    LtiIdentity,
    LtiPlatform,
    LtiResourceLink,
    Role,
    User,
)
from tests import factories
from tests.browser.conftest import live_server  # noqa: F401 - the app on 127.0.0.1
from tests.lti.lms import ADMINISTRATOR, INSTRUCTOR, Launch, Lms, new_key

ISSUER = "https://lms.example.org"


def register(org, lms: Lms, *, allow_instructors: bool = True, client_id: str = "tool-client") -> LtiPlatform:
    platform = LtiPlatform(organization_id=org.id, name="Partner Moodle", issuer=ISSUER, client_id=client_id,
                           deployment_ids=["dep-1"], allow_instructors=allow_instructors,
                           lms_url="https://harbor.lms.example/course/view.php?id=3", **lms.urls)
    _db.session.add(platform)
    _db.session.commit()
    return platform


@pytest.fixture
def world(db, live_server):  # noqa: F811
    org = factories.make_org(name="Harbor Peer Services", seat_limit=2)
    course = factories.make_course()
    cohort = factories.make_cohort(course, org, name="Spring cohort")
    lms = Lms(ISSUER, "tool-client", "dep-1", live_server)
    platform = register(org, lms)
    yield {"org": org, "cohort": cohort, "lms": lms, "platform": platform, "base": live_server}
    lms.close()


def link(world, link_id: str = "link-1") -> LtiResourceLink:
    row = LtiResourceLink(platform_id=world["platform"].id, resource_link_id=link_id, cohort_id=world["cohort"].id)
    _db.session.add(row)
    _db.session.commit()
    return row


def counts() -> tuple[int, int, int]:
    _db.session.rollback()
    return tuple(_db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (User, LtiIdentity, Enrollment))


def refusals() -> list[str]:
    _db.session.rollback()
    return [e.after["reason"] for e in _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "lti.launch_refused").order_by(AuditEvent.id))]


def follow(world, answer: requests.Response) -> requests.Response:
    """The browser follows the tool's redirect inside the LMS's iframe with the launch session's cookie."""
    assert answer.status_code == 302, answer.text
    return requests.get(world["base"] + answer.headers["Location"], cookies=dict(answer.cookies), timeout=10,
                        allow_redirects=False)


def test_a_learner_launch_signs_in_a_new_trainee_enrolls_them_and_opens_the_cohort(world):
    link(world)
    answer, _ = world["lms"].launch(Launch(sub="learner-7", name="Lee Learner", email="lee@lms.example"))
    cookie = answer.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
    page = follow(world, answer)
    assert page.status_code == 200
    assert "Spring cohort" in page.text
    assert page.headers["Content-Security-Policy"].endswith(
        f"frame-ancestors https://harbor.lms.example {ISSUER} {world['lms'].base}")
    assert "X-Frame-Options" not in page.headers
    _db.session.rollback()
    identity = _db.session.scalar(sa.select(LtiIdentity).where(LtiIdentity.subject == "learner-7"))
    user = identity.user
    assert (user.role, user.organization_id, user.name, user.email) == (
        Role.TRAINEE, world["org"].id, "Lee Learner", "lee@lms.example")
    assert _db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == user.id)).cohort_id == \
        world["cohort"].id
    before = counts()
    again, _ = world["lms"].launch(Launch(sub="learner-7", name="Someone Else"))
    assert again.status_code == 302
    assert counts() == before  # the same person, matched by (issuer, subject), enrolled once


def test_an_existing_account_with_the_lms_email_is_not_taken_over(world):
    link(world)
    owner = factories.make_user(Role.TRAINEE, email="lee@lms.example", organization_id=world["org"].id)
    _db.session.commit()
    answer, _ = world["lms"].launch(Launch(sub="learner-8", email="lee@lms.example"))
    assert answer.status_code == 302
    _db.session.rollback()
    identity = _db.session.scalar(sa.select(LtiIdentity).where(LtiIdentity.subject == "learner-8"))
    assert identity.user_id != owner.id
    assert identity.user.email.endswith("@lti.invalid")


def test_the_first_instructor_launch_chooses_the_cohort_and_learners_follow(world):
    answer, _ = world["lms"].launch(Launch(sub="teacher-1", roles=[INSTRUCTOR], name="Ida Instructor",
                                           email="ida@lms.example"))
    cookies = dict(answer.cookies)
    setup = follow(world, answer)
    assert "Choose the cohort for this link" in setup.text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', setup.text).group(1)
    cookies.update(setup.cookies)  # the form's CSRF token is kept in the session
    chosen = requests.post(world["base"] + answer.headers["Location"], cookies=cookies, allow_redirects=False,
                           data={"csrf_token": token, "cohort_id": world["cohort"].id}, timeout=10)
    assert chosen.status_code == 302
    _db.session.rollback()
    teacher = _db.session.scalar(sa.select(LtiIdentity).where(LtiIdentity.subject == "teacher-1")).user
    assert teacher.role is Role.INSTRUCTOR
    assert _db.session.scalar(sa.select(CohortInstructor).where(CohortInstructor.user_id == teacher.id))
    learner, _ = world["lms"].launch(Launch(sub="learner-9"))
    assert "Spring cohort" in follow(world, learner).text


def test_a_learner_on_a_link_nobody_set_up_gets_a_plain_page_and_nothing_is_created(world):
    before = counts()
    answer, _ = world["lms"].launch(Launch(sub="learner-10"))
    assert answer.status_code == 200
    assert "has not chosen which cohort this link opens" in answer.text
    assert counts() == before


def test_a_launch_beyond_the_seats_is_refused_with_a_clear_page(world):
    link(world)
    for n in range(2):
        assert world["lms"].launch(Launch(sub=f"seat-{n}"))[0].status_code == 302
    before = counts()
    answer, _ = world["lms"].launch(Launch(sub="seat-3"))
    assert answer.status_code == 403
    assert "no free seat (2 seats, all in use)" in answer.text
    assert counts() == before
    assert refusals() == ["no_seat"]


HOSTILE = {
    "expired": (Launch(expires_in=-600), "expired"),
    "valid for a year": (Launch(expires_in=365 * 86400), "expired"),
    "wrong audience": (Launch(extra_claims={"aud": "another-tool"}), "unknown_platform"),
    "unknown deployment": (Launch(extra_claims={
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-unknown"}), "unknown_deployment"),
    "missing nonce": (Launch(drop_nonce=True), "nonce"),
    "administrator role only": (Launch(roles=[ADMINISTRATOR]), "role_not_mapped"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_launch_is_refused_audited_and_creates_nothing(world, case):
    link(world)
    plan, reason = HOSTILE[case]
    before = counts()
    answer, _ = world["lms"].launch(plan)
    assert 400 <= answer.status_code < 500
    assert "This launch was refused" in answer.text
    assert counts() == before
    assert refusals() == [reason]


def test_a_signature_from_another_key_is_refused(world):
    link(world)
    before = counts()
    answer, _ = world["lms"].launch(Launch(sign_with=new_key()))
    assert answer.status_code == 400
    assert counts() == before
    assert refusals() == ["signature"]


def test_a_replayed_id_token_is_refused(world):
    link(world)
    assert world["lms"].launch(Launch(sub="learner-11"))[0].status_code == 302
    before = counts()
    replay = world["lms"].replay()
    assert replay.status_code == 400
    assert "already used" in replay.text
    assert counts() == before
    assert refusals() == ["replayed"]


def test_an_identity_of_another_organization_is_refused(world):
    link(world)
    assert world["lms"].launch(Launch(sub="shared-sub"))[0].status_code == 302
    other_org = factories.make_org(name="Other Org")
    other = Lms(ISSUER, "other-client", "dep-1", world["base"])
    try:
        register(other_org, other, client_id="other-client")
        before = counts()
        answer, _ = other.launch(Launch(sub="shared-sub"))
        assert answer.status_code == 403
        assert counts() == before
        assert refusals() == ["other_organization"]
    finally:
        other.close()


def test_role_escalation_in_the_claims_is_refused(world):
    link(world)
    assert world["lms"].launch(Launch(sub="learner-12"))[0].status_code == 302
    before = counts()
    answer, _ = world["lms"].launch(Launch(sub="learner-12", roles=[INSTRUCTOR]))
    assert answer.status_code == 403
    assert counts() == before
    world["platform"].allow_instructors = False
    _db.session.commit()
    answer, _ = world["lms"].launch(Launch(sub="teacher-2", roles=[INSTRUCTOR]))
    assert answer.status_code == 403
    assert counts() == before
    assert refusals() == ["role_changed", "instructor_not_allowed"]


def test_the_tool_key_set_publishes_the_current_and_previous_key(app, client, runner):
    from app.lti import keys

    first = client.get("/lti/jwks.json").get_json()["keys"]
    assert "the previous one" in runner.invoke(args=["lti", "rotate-key"]).output
    after = client.get("/lti/jwks.json").get_json()["keys"]
    assert len(after) == 2 and after[1]["kid"] == first[0]["kid"] and after[0]["kid"] != first[0]["kid"]
    keys.rotate(app.config["ISSUER_KEY_DIR"])
    assert first[0]["kid"] not in {k["kid"] for k in client.get("/lti/jwks.json").get_json()["keys"]}


def test_a_forged_launch_of_any_shape_answers_a_plain_page(world, client):
    import base64
    import json

    def part(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    client.set_cookie("lti1p3-state-x", "state-x", path="/lti/")
    for body in ([1, 2], {"iss": ["a"], "aud": {"b": 1}}, {"iss": ISSUER, "aud": [7]}, "text"):
        answer = client.post("/lti/launch", data={"state": "state-x",
                                                  "id_token": f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(body)}.x"})
        assert answer.status_code == 400, body
        assert "This launch was refused" in answer.get_data(as_text=True)
    assert counts() == (0, 0, 0)
