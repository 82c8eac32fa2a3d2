"""Peer-support circles: who forms them (from the program's files), who reads their thread (members and the
facilitator only), the size cap, one circle per trainee per cohort, and moderation."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.models import AuditEvent, CircleMember, CirclePost, PeerCircle, Role
from tests import factories
from tests.conftest import set_course_rules
from tests.web.test_discussion import post, signed_in


def _circles_url(rc) -> str:
    return f"/wellbeing/cohorts/{rc['cohort'].id}/circles"


def _more_trainees(rc, db, n: int) -> list:
    people = [factories.make_user(Role.TRAINEE, organization_id=rc["org"].id) for _ in range(n)]
    for person in people:
        factories.make_enrollment(rc["cohort"], person)
    db.session.commit()
    return people


def test_the_program_files_choose_who_forms_circles(running_cohort, app, db, course):
    rc = running_cohort
    assert course.rules["wellbeing"]["circles"] == "instructor"  # the 12-week course's files
    trainee, instructor = signed_in(app, rc["trainee"]), signed_in(app, rc["instructor"])
    # instructors set them up: a trainee sees the circles page but no way to form one
    page = trainee.get(_circles_url(rc)).get_data(as_text=True)
    assert "Your instructors set them up" in page and "Form a circle" not in page
    refused = post(trainee, _circles_url(rc), {"name": "Tara's own"})
    assert "the instructors set up the circles" in refused.get_data(as_text=True)
    made = post(instructor, _circles_url(rc), {"name": "Tuesday circle",
                                               "members": [rc["trainee"].id, rc["peer"].id]})
    assert made.status_code == 302
    circle = db.session.scalar(sa.select(PeerCircle))
    assert circle.facilitator_id == rc["instructor"].id and len(circle.members) == 2
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "circle.created"))
    # "self": trainees form their own, facilitated by the lead instructor
    set_course_rules(db, rc["course"], "wellbeing", circles="self")
    newcomer = _more_trainees(rc, db, 1)[0]
    formed = post(signed_in(app, newcomer), _circles_url(rc), {"name": "Evening walkers"})
    assert formed.status_code == 302
    own = db.session.scalar(sa.select(PeerCircle).where(PeerCircle.name == "Evening walkers"))
    assert own.created_by_id == newcomer.id and own.facilitator_id == rc["instructor"].id
    # "off": no circles page at all
    set_course_rules(db, rc["course"], "wellbeing", circles="off")
    assert trainee.get(_circles_url(rc)).status_code == 404
    assert trainee.get(f"/wellbeing/circles/{circle.id}").status_code == 200  # an existing thread stays readable


def test_only_members_and_the_facilitator_read_a_circle(running_cohort, app, db):
    rc = running_cohort
    instructor = signed_in(app, rc["instructor"])
    post(instructor, _circles_url(rc), {"name": "Tuesday circle", "members": [rc["trainee"].id]})
    circle = db.session.scalar(sa.select(PeerCircle))
    url = f"/wellbeing/circles/{circle.id}"
    tara = signed_in(app, rc["trainee"])
    assert post(tara, url, {"body": "Week 9 was **heavy** <script>alert(1)</script>"}).status_code == 302
    page = tara.get(url).get_data(as_text=True)
    assert "<strong>heavy</strong>" in page and "<script>alert" not in page
    assert "Week 9 was" in instructor.get(url).get_data(as_text=True)
    other_instructor = factories.make_user(Role.INSTRUCTOR)
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id)
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    for outsider in (rc["peer"], other_instructor, org_admin, admin):
        answer = signed_in(app, outsider).get(url)
        assert answer.status_code in (403, 404) and "Week 9 was" not in answer.get_data(as_text=True)
    assert post(signed_in(app, rc["peer"]), url, {"body": "Let me in"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CirclePost)) == 1


def test_a_circle_is_no_bigger_than_the_program_says(running_cohort, app, db):
    rc = running_cohort
    set_course_rules(db, rc["course"], "wellbeing", circle_size=3)
    extra = _more_trainees(rc, db, 3)
    instructor = signed_in(app, rc["instructor"])
    too_many = [rc["trainee"].id, rc["peer"].id, *(p.id for p in extra)]
    page = post(instructor, _circles_url(rc), {"name": "Big", "members": too_many}).get_data(as_text=True)
    assert "at most 3 members" in page and db.session.scalar(sa.select(PeerCircle)) is None
    set_course_rules(db, rc["course"], "wellbeing", circles="self")
    post(signed_in(app, rc["trainee"]), _circles_url(rc), {"name": "Small"})
    circle = db.session.scalar(sa.select(PeerCircle))
    for person in (rc["peer"], extra[0]):
        assert post(signed_in(app, person), f"/wellbeing/circles/{circle.id}/join").status_code == 302
    late = signed_in(app, extra[1])
    full = post(late, f"/wellbeing/circles/{circle.id}/join")
    page = late.get(full.headers["Location"]).get_data(as_text=True)
    assert "is full (3 members)" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CircleMember)) == 3


def test_one_circle_per_trainee_and_never_across_cohorts(running_cohort, app, db, course):
    rc = running_cohort
    instructor = signed_in(app, rc["instructor"])
    post(instructor, _circles_url(rc), {"name": "First", "members": [rc["trainee"].id]})
    again = post(instructor, _circles_url(rc), {"name": "Second", "members": [rc["trainee"].id]})
    assert again.status_code == 200  # she is no longer offered: a choice outside the list is refused
    other_org = factories.make_org()
    other_cohort = factories.make_cohort(course, other_org)
    stranger = factories.make_user(Role.TRAINEE, organization_id=other_org.id)
    factories.make_enrollment(other_cohort, stranger)
    db.session.commit()
    across = post(instructor, _circles_url(rc), {"name": "Mixed", "members": [rc["peer"].id, stranger.id]})
    assert across.status_code == 200
    assert [c.name for c in db.session.scalars(sa.select(PeerCircle))] == ["First"]
    assert signed_in(app, stranger).get(_circles_url(rc)).status_code == 404


def test_the_facilitator_hides_a_post_and_the_members_see_it_hidden(running_cohort, app, db):
    rc = running_cohort
    instructor = signed_in(app, rc["instructor"])
    post(instructor, _circles_url(rc), {"name": "Tuesday circle", "members": [rc["trainee"].id, rc["peer"].id]})
    circle = db.session.scalar(sa.select(PeerCircle))
    url = f"/wellbeing/circles/{circle.id}"
    post(signed_in(app, rc["peer"]), url, {"body": "Something unkind"})
    entry = db.session.scalar(sa.select(CirclePost))
    tara = signed_in(app, rc["trainee"])
    assert post(tara, f"/wellbeing/circle-posts/{entry.id}/hide").status_code == 302
    db.session.refresh(entry)
    assert entry.hidden_at is None  # a member cannot
    assert "Hide this post" not in tara.get(url).get_data(as_text=True)
    assert "Hide this post" in instructor.get(url).get_data(as_text=True)
    post(instructor, f"/wellbeing/circle-posts/{entry.id}/hide")
    page = tara.get(url).get_data(as_text=True)
    assert "Something unkind" not in page and "Hidden by the facilitator" in page
    assert re.search(r"circle\.post_hidden", " ".join(db.session.scalars(sa.select(AuditEvent.action))))
