"""What each role sees: dashboards, the outline, cohort pages and tenancy."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import template_rendered

from app.models import Module, Role
from app.pacing import cohort_today
from tests import factories
from tests.conftest import login


def test_outline_shows_all_twelve_weeks_with_their_activities(course, client, db):
    user = factories.make_user(Role.TRAINEE)
    db.session.commit()
    login(client, user)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    for week in range(1, 13):
        assert f'id="week-{week}"' in page
    titles = db.session.scalars(sa.select(Module.title).order_by(Module.week)).all()
    for title in titles:
        assert title.replace("&", "&amp;").replace("'", "&#39;") in page
    assert page.count("Assessed") == 2
    assert page.count("Content note") >= 2


def test_outline_week_titles_open_the_viewers_cohort_weeks(running_cohort, app, db):
    rc = running_cohort
    first = db.session.scalar(sa.select(Module.title).where(Module.week == 1))
    client = app.test_client()
    login(client, rc["trainee"])
    page = client.get(f"/courses/{rc['course'].slug}").get_data(as_text=True)
    title = first.replace("&", "&amp;").replace("'", "&#39;")
    link = f'<a href="/cohorts/{rc["cohort"].id}/weeks/1">{title}</a>'
    assert link in page and f'href="/cohorts/{rc["cohort"].id}/weeks/12"' in page
    stranger = factories.make_user(Role.TRAINEE)  # in no cohort of the course: titles, no links
    db.session.commit()
    client = app.test_client()
    login(client, stranger)
    page = client.get(f"/courses/{rc['course'].slug}").get_data(as_text=True)
    assert "/weeks/1" not in page and 'id="week-1"' in page


def test_trainee_dashboard_shows_the_current_week(course, app, db):
    trainee, supervisor = factories.make_user(Role.TRAINEE), factories.make_user(Role.SUPERVISOR)
    cohort = factories.make_cohort(course, start=cohort_today("America/New_York") - timedelta(weeks=3))
    factories.make_enrollment(cohort, trainee)
    factories.make_assignment(trainee, supervisor)
    db.session.commit()
    client = app.test_client()
    login(client, trainee)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "week 4 of 12" in page
    assert supervisor.name in page


def test_trainee_without_enrollment_sees_what_to_do(login_as):
    page = login_as("other_trainee").get("/dashboard").get_data(as_text=True)
    assert "You are not enrolled in a cohort yet" in page


def test_supervisor_sees_only_their_supervisees(people, login_as, db):
    stranger = factories.make_user(Role.TRAINEE, name="Not Supervised Here")
    db.session.commit()
    page = login_as("supervisor").get("/dashboard").get_data(as_text=True)
    assert people["trainee"].name in page
    assert stranger.name not in page


def test_org_admin_sees_own_cohorts_and_seats_only(people, login_as, db):
    other_cohort = factories.make_cohort(people["course"], people["org_b"], name="Org B Private Cohort")
    db.session.commit()
    page = login_as("org_admin").get("/dashboard").get_data(as_text=True)
    assert people["cohort"].name in page
    assert "1</strong> of 20 seats in use" in page
    assert other_cohort.name not in page
    listing = login_as("org_admin").get("/cohorts/").get_data(as_text=True)
    assert other_cohort.name not in listing
    assert login_as("org_admin").get(f"/cohorts/{other_cohort.id}").status_code == 404


def test_roster_is_shown_to_staff_not_to_trainees(people, login_as):
    url = f"/cohorts/{people['cohort'].id}"
    assert people["trainee"].email in login_as("instructor").get(url).get_data(as_text=True)
    trainee_view = login_as("trainee").get(url).get_data(as_text=True)
    assert "Trainees in this cohort" not in trainee_view


def test_every_role_gets_its_own_dashboard(app, people, login_as):
    seen = []

    def record(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    try:
        for who in ("trainee", "instructor", "supervisor", "org_admin", "admin"):
            assert login_as(who).get("/dashboard").status_code == 200
    finally:
        template_rendered.disconnect(record, app)
    dashboards = [name for name in seen if name.startswith("main/dashboard_")]
    assert dashboards == [f"main/dashboard_{r}.html" for r in
                          ("trainee", "instructor", "supervisor", "org_admin", "admin")]


def test_cohort_list_paginates(people, login_as, db):
    for i in range(25):
        factories.make_cohort(people["course"], people["org_a"], name=f"Bulk cohort {i:02d}")
    db.session.commit()
    client = login_as("org_admin")
    first = client.get("/cohorts/").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/cohorts/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_outline_query_count_does_not_grow_with_weeks(course, client, db, app):
    user = factories.make_user()
    db.session.commit()
    login(client, user)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(f"/courses/{course.slug}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    # user, course, modules, scenarios, quizzes, prompts, question counts, the viewer's cohort (+ savepoint noise)
    assert len(statements) <= 10, statements


def test_an_eight_week_program_counts_its_own_weeks(app, db):
    course = factories.make_course(title="Peer Recovery Specialist Certificate", rules={"weeks": 8})
    admin, instructor = factories.make_user(Role.ADMIN), factories.make_user(Role.INSTRUCTOR)
    today = cohort_today("America/New_York")
    running = factories.make_cohort(course, name="Running Eight", start=today - timedelta(weeks=2),
                                    instructors=(instructor,))
    done = factories.make_cohort(course, name="Done Eight", start=today - timedelta(weeks=8),
                                 instructors=(instructor,))
    db.session.commit()
    teacher, boss = app.test_client(), app.test_client()
    login(teacher, instructor)
    login(boss, admin)

    page = teacher.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert "Week 3 of 8" in page
    assert f'href="/cohorts/{running.id}/weeks/3">This week</a>' in page
    page = teacher.get(f"/cohorts/{done.id}").get_data(as_text=True)
    assert "Finished" in page and "This week" not in page  # week 9 of an 8-week program: no link past the end
    listing = teacher.get("/cohorts/").get_data(as_text=True)
    assert "Week 3 of 8" in listing and "Finished" in listing
    assert "3 of 8" in teacher.get("/dashboard").get_data(as_text=True)
    assert "Week 3 of 8" in boss.get("/admin/cohorts").get_data(as_text=True)
    assert "Week 3 of 8" in boss.get(f"/admin/cohorts/{running.id}").get_data(as_text=True)
    assert "Finished" in boss.get(f"/admin/cohorts/{done.id}").get_data(as_text=True)
    for url in ("/cohorts/", f"/cohorts/{running.id}", "/dashboard", "/admin/cohorts", f"/admin/cohorts/{running.id}"):
        client = boss if url.startswith("/admin") else teacher
        assert "of 12" not in client.get(url).get_data(as_text=True), url


def test_pages_carry_the_platform_name(app, client, db, monkeypatch):
    page = client.get("/login").get_data(as_text=True)
    assert "· Recovery Workforce Training</title>" in page
    assert ">Recovery Workforce Training</a>" in page
    assert "Therapeutic Mentoring" not in page
    monkeypatch.setitem(app.config, "PLATFORM_NAME", "Northside Training")
    page = client.get("/login").get_data(as_text=True)
    assert "· Northside Training</title>" in page and ">Northside Training</a>" in page


def test_without_a_course_the_pages_say_how_to_import_any_program(app, db):
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    login(client, admin)
    for url in ("/courses/", "/admin/courses"):
        page = client.get(url).get_data(as_text=True)
        assert "flask course import courses/&lt;folder&gt;" in page, url
        assert "therapeutic-mentoring" not in page, url


def test_the_favicon_is_served_to_anyone_and_named_by_pages(client, course, db):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert icon.mimetype == "image/vnd.microsoft.icon"
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="any">' in page
    with client.get("/static/img/favicon.svg") as svg:
        assert svg.status_code == 200
