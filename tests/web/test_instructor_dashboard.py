"""The instructor's dashboard says what to do next: counts with links to where it is done."""

from __future__ import annotations

import sqlalchemy as sa

from app.learn.services import save_attendance
from app.models import AttendanceStatus, LiveSession, PostReport, Scenario
from tests import factories
from tests.web.test_discussion import signed_in, text


def test_the_instructor_sees_grading_reports_and_attendance_to_take(running_cohort, app, db):
    rc = running_cohort
    cohort, teacher = rc["cohort"], rc["instructor"]
    dashboard = text(signed_in(app, teacher).get("/dashboard"))
    needs = dashboard.split("What needs you", 1)[1].split("</section>", 1)[0]  # the list, not the footer's lines
    assert "role-play" not in needs and "report" not in needs
    assert f'href="/cohorts/{cohort.id}/weeks/3/attendance">Take attendance for {cohort.name}, week 3' in dashboard

    scenario = db.session.scalar(sa.select(Scenario).limit(1))
    factories.make_submission(scenario, cohort, rc["trainee"])
    thread = factories.make_thread(cohort, 4, title="Questions")
    post = factories.make_post(thread, rc["peer"])
    db.session.add(PostReport(post_id=post.id, reporter_id=rc["trainee"].id, reason="Names a client."))
    week3 = db.session.scalar(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id, LiveSession.week == 3))
    save_attendance(week3, {rc["trainee"].id: AttendanceStatus.PRESENT, rc["peer"].id: AttendanceStatus.ABSENT},
                    roster_ids={rc["trainee"].id, rc["peer"].id}, actor=teacher)
    db.session.commit()
    dashboard = text(signed_in(app, teacher).get("/dashboard"))
    assert '<a href="/grading">1 role-play waits to be graded</a>' in dashboard
    assert (f'<a href="/cohorts/{cohort.id}/discussion/reports">1 discussion report to look at in {cohort.name}</a>'
            in dashboard)
    assert "week 3&#39;s live session" not in dashboard and "week 3's live session" not in dashboard
