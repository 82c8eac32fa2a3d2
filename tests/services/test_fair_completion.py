"""Fair completion: due dates and late rules from the files, exceptions, accommodations and deferral.

The rules are the shipped programs' own: the 12-week course counts late lectures and quizzes, counts
late discussion posts and role-plays once an instructor approves them, and lets an excused crisis
week be made up by a named alternative; the peer program does not count late discussion posts.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.certificates import services as certificates
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.exceptions import services
from app.models import (
    Accommodation,
    Attendance,
    AttendanceStatus,
    AuditEvent,
    Certificate,
    ExceptionKind,
    LiveSession,
    Role,
)
from app.pacing import unlock_at
from tests import factories
from tests.conftest import issuer_settings


def _reqs(nc) -> dict[str, engine.Requirement]:
    return {q.key: q for q in certificates.requirements_for(nc["trainee"], nc["cohort"])}


def test_one_missed_discussion_and_an_excused_crisis_week_still_certify(nearly_complete, app, db):
    nc = nearly_complete
    cohort, trainee = nc["cohort"], nc["trainee"]
    from app.models import Post, Thread

    week4 = db.session.scalar(sa.select(Thread).where(Thread.cohort_id == cohort.id, Thread.week == 4))
    for post in db.session.scalars(sa.select(Post).where(Post.thread_id == week4.id, Post.author_id == trainee.id)):
        post.deleted_at = post.created_at  # the week 4 discussion never happened
    week9 = db.session.scalar(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id, LiveSession.week == 9))
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.live_session_id == week9.id,
                                                               Attendance.user_id == trainee.id))
    attendance.status = AttendanceStatus.EXCUSED
    db.session.commit()
    reqs = _reqs(nc)
    assert reqs["discussion-prompts"].met  # 11 of 12; the course asks for 10
    assert not reqs["required-live-weeks"].met
    excused = services.grant(cohort, trainee, kind=ExceptionKind.EXCUSED, item="week-9-live", actor=nc["lead"],
                             alternative="Skills-only make-up and a check-in with the facilitator",
                             reason="Chose the alternative activity for the crisis week.")
    db.session.commit()
    assert not _reqs(nc)["required-live-weeks"].met  # granted, but the alternative is still to do
    services.mark_alternative_done(excused, actor=nc["lead"])
    db.session.commit()
    assert _reqs(nc)["required-live-weeks"].met
    certificates.sign_conduct(trainee, cohort)
    certificates.final_signoff(trainee, cohort, nc["lead"])
    (cert,) = certificates.issue_due([trainee.id], issuer_settings(app))
    db.session.commit()
    assert db.session.scalar(sa.select(Certificate).where(Certificate.user_id == trainee.id)) == cert


@pytest.fixture
def plan(course):
    return load_plan(course)


DEADLINE_KINDS = ("lecture", "quiz", "discussion", "roleplay")


def _on_time_records(plan) -> engine.TraineeRecords:
    """Everything done on time, every week, with due dates at the end of each week."""
    base = unlock_at(date(2026, 9, 7), "America/New_York", 1)
    r = engine.TraineeRecords(now=base + timedelta(weeks=20))
    for w in plan.weeks:
        opens = base + timedelta(weeks=w.week - 1)
        at = opens + timedelta(days=1)
        for kind in DEADLINE_KINDS:
            r.due[f"week-{w.week}-{kind}"] = opens + timedelta(days=7)
        r.lectures_viewed.add(w.week)
        r.lecture_read_at[w.week] = at
        r.quiz_scores[w.week] = [(at, 100)]
        r.quiz_best[w.week] = r.quiz_latest[w.week] = 100
        r.quiz_attempts[w.week] = 1
        r.discussion_posts[w.week] = [(at, 200)]
        r.discussion_reply_times[w.week] = [at, at]
        r.attendance[w.week] = "present"
    for week in plan.rules["role_play"]["summative_weeks"]:
        r.roleplay[week] = "pass"
        r.roleplay_submitted_at[week] = base + timedelta(weeks=week - 1, days=1)
    return r


def _coursework(key: str) -> bool:
    """Requirements these synthetic records speak to (no supervision hours or signatures in them)."""
    return not key.startswith("supervision-") and key not in ("code-of-conduct", "final-signoff")


def _make_late(r: engine.TraineeRecords, kind: str, week: int, late) -> None:
    if kind == "lecture":
        r.lecture_read_at[week] = late
    elif kind == "quiz":
        r.quiz_scores[week] = [(late, 100)]
    elif kind == "discussion":
        r.discussion_posts[week] = [(late, 200)]
        r.discussion_reply_times[week] = [late, late]
    else:
        r.roleplay_submitted_at[week] = late


@pytest.fixture(params=["therapeutic-mentoring", "peer-recovery-specialist"], scope="module")
def shipped_plan(request) -> engine.CoursePlan:
    from app.curriculum.loader import load_course
    from tests.conftest import COURSE_DIR

    spec = load_course(COURSE_DIR.parent / request.param)
    weeks = tuple(engine.WeekPlan(m.week, m.title, m.quiz.pass_percent if m.quiz else None,
                                  m.quiz.max_attempts if m.quiz else 0, has_prompt=m.discussion is not None)
                  for m in spec.modules)
    return engine.CoursePlan(weeks, spec.rules)


@pytest.mark.parametrize("kind", DEADLINE_KINDS)
def test_missing_any_single_deadline_is_decided_by_the_program_rule(shipped_plan, kind):
    """In each shipped program, each single deadline missed: the late rule in its files decides, never
    the order of evaluation; where late work needs approval, the approval restores it."""
    plan = shipped_plan
    deadline = plan.rules["deadlines"].get(kind)
    late_rule = deadline["late"] if deadline else "counts"  # without a due date, nothing is ever late
    for w in plan.weeks:
        r = _on_time_records(plan)
        item = f"week-{w.week}-{kind}"
        late = r.due[item] + timedelta(days=3)
        if kind == "roleplay" and w.week not in r.roleplay_submitted_at:
            continue
        _make_late(r, kind, w.week, late)
        reqs = {q.key: q for q in engine.evaluate(r, plan)}
        blocking = [q.key for q in reqs.values() if not q.met and _coursework(q.key)]
        if late_rule == "counts" or kind == "discussion":
            # late work counts; or the week's discussion is not required on its own and the course-wide
            # number of prompts is still met with one week missing
            assert blocking == [], (item, blocking)
        elif late_rule == "with_approval":
            assert blocking == [item], (item, blocking)
            assert reqs[item].blocked and "instructor approves" in reqs[item].missing
            r.late_approved.add(item)
            assert [q.key for q in engine.evaluate(r, plan) if not q.met and _coursework(q.key)] == []
        else:  # not_counted: nothing but an extension before the due date helps
            assert blocking == [item] and reqs[item].blocked, (item, blocking)
            r.late_approved.add(item)
            assert item in [q.key for q in engine.evaluate(r, plan) if not q.met]


def test_the_peer_program_does_not_count_late_discussion_posts(course, db):
    from app.curriculum.loader import load_course
    from tests.services.test_second_program import PRS_DIR

    spec = load_course(PRS_DIR)
    weeks = tuple(engine.WeekPlan(m.week, m.title, m.quiz.pass_percent, m.quiz.max_attempts, has_prompt=True)
                  for m in spec.modules)
    plan = engine.CoursePlan(weeks, spec.rules)
    base = unlock_at(date(2026, 9, 7), "America/New_York", 1)
    r = engine.TraineeRecords(now=base + timedelta(weeks=10))
    for w in range(1, 9):
        r.due[f"week-{w}-discussion"] = base + timedelta(weeks=w)
        at = base + timedelta(weeks=w - 1, days=1) if w > 2 else base + timedelta(weeks=w, days=2)  # 1, 2 late
        r.discussion_posts[w] = [(at, 150)]
        r.discussion_reply_times[w] = [at]
    req = {q.key: q for q in engine.evaluate(r, plan)}["discussion-prompts"]
    assert req.met and req.progress.current == 6
    r.discussion_posts[3] = [(base + timedelta(weeks=3, days=1), 150)]  # a third late week
    assert not {q.key: q for q in engine.evaluate(r, plan)}["discussion-prompts"].met
    r.late_approved.add("week-3-discussion")  # the peer program's rule: approval does not help
    assert not {q.key: q for q in engine.evaluate(r, plan)}["discussion-prompts"].met


def test_an_extension_moves_the_due_date_and_is_audited(nearly_complete, db):
    nc = nearly_complete
    cohort, trainee = nc["cohort"], nc["trainee"]
    before = load_records(cohort, [trainee.id])[trainee.id].due["week-12-quiz"]
    with pytest.raises(services.ExceptionRefused, match="still be in the past"):
        services.grant(cohort, trainee, kind=ExceptionKind.EXTENSION, item="week-12-quiz", days=1,
                       reason="Illness", actor=nc["lead"])
    g = services.grant(cohort, trainee, kind=ExceptionKind.EXTENSION, item="week-12-quiz", days=30,
                       reason="Illness", actor=nc["lead"])
    db.session.commit()
    after = load_records(cohort, [trainee.id])[trainee.id]
    assert after.due["week-12-quiz"] - before == timedelta(days=30)
    assert after.exception_notes["week-12-quiz"] == ["Extended by 30 days"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exception.granted"))
    assert event.after["reason"] == "Illness" and event.after["days"] == 30
    with pytest.raises(services.ExceptionRefused, match="already has this exception"):
        services.grant(cohort, trainee, kind=ExceptionKind.EXTENSION, item="week-12-quiz", days=40,
                       reason="Again", actor=nc["lead"])
    db.session.rollback()
    services.revoke(g, actor=nc["lead"], reason="Granted in error")
    db.session.commit()
    assert load_records(cohort, [trainee.id])[trainee.id].due["week-12-quiz"] == before


def test_an_extra_quiz_attempt_reopens_the_quiz(course, db):
    plan = load_plan(course)
    r = engine.TraineeRecords(quiz_best={2: 60}, quiz_latest={2: 60}, quiz_attempts={2: 3})
    q = {x.key: x for x in engine.evaluate(r, plan)}["week-2-quiz"]
    assert q.blocked and "used all 3 attempts" in q.missing
    r.extra_attempts["week-2-quiz"] = 1
    q = {x.key: x for x in engine.evaluate(r, plan)}["week-2-quiz"]
    assert not q.blocked and "1 attempt left" in q.missing


def test_a_waiver_meets_exactly_one_requirement(nearly_complete, db):
    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    with pytest.raises(services.ExceptionRefused, match="Choose one of the trainee's requirements"):
        services.grant(nc["cohort"], nc["trainee"], kind=ExceptionKind.WAIVER, item="no-such-thing",
                       reason="x", actor=admin)
    services.grant(nc["cohort"], nc["trainee"], kind=ExceptionKind.WAIVER, item="code-of-conduct",
                   reason="Signed on paper at intake", actor=admin)
    db.session.commit()
    reqs = _reqs(nc)
    assert reqs["code-of-conduct"].met and reqs["code-of-conduct"].waived
    assert not reqs["final-signoff"].met


@pytest.mark.parametrize(("kind", "item", "extra", "message"), [
    (ExceptionKind.EXTENSION, "week-3-quiz", {"days": 0}, "between 1 and 365 days"),
    (ExceptionKind.EXTENSION, "week-99-quiz", {"days": 3}, "no such item"),
    (ExceptionKind.EXCUSED, "week-9-live", {}, "Name the alternative"),
    (ExceptionKind.LATE_APPROVAL, "week-3-quiz", {}, "no such item"),  # late quizzes count anyway here
    (ExceptionKind.EXTRA_ATTEMPT, "week-3-lecture", {}, "no such item"),
])
def test_bad_exceptions_are_refused_and_nothing_changes(nearly_complete, db, kind, item, extra, message):
    nc = nearly_complete
    with pytest.raises(services.ExceptionRefused, match=message):
        services.grant(nc["cohort"], nc["trainee"], kind=kind, item=item, reason="A reason", actor=nc["lead"],
                       **extra)
    db.session.rollback()
    assert services.exceptions_of(nc["cohort"], nc["trainee"]) == []
    with pytest.raises(services.ExceptionRefused, match="Write the reason"):
        services.grant(nc["cohort"], nc["trainee"], kind=ExceptionKind.EXTRA_ATTEMPT, item="week-3-quiz",
                       reason="  ", actor=nc["lead"])


def test_accommodations_move_every_due_date_and_a_trainee_cannot_set_their_own(nearly_complete, db):
    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    before = load_records(nc["cohort"], [nc["trainee"].id])[nc["trainee"].id].due
    with pytest.raises(services.ExceptionRefused, match="not by the trainee"):
        services.set_accommodation(nc["trainee"], actor=nc["trainee"], quiz_time_factor=2, extra_days=5,
                                   alternative_format=False, note="")
    services.set_accommodation(nc["trainee"], actor=admin, quiz_time_factor=1.5, extra_days=5,
                               alternative_format=True, note="Dyslexia: extra reading time.")
    db.session.commit()
    after = load_records(nc["cohort"], [nc["trainee"].id])[nc["trainee"].id].due
    assert after.keys() == before.keys() and all(after[k] - before[k] == timedelta(days=5) for k in before)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "accommodation.set"))
    assert event.after["note_set"] is True and "Dyslexia" not in str(event.after)
    assert db.session.scalar(sa.select(Accommodation.quiz_time_factor)) == 1.5


def test_deferral_keeps_what_was_completed(nearly_complete, db):
    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    other_course = factories.make_course(rules={"weeks": 8})
    later = factories.make_cohort(nc["course"], nc["cohort"].organization, start=nc["cohort"].start_date
                                  + timedelta(weeks=20))
    elsewhere = factories.make_cohort(other_course, nc["cohort"].organization,
                                      start=nc["cohort"].start_date + timedelta(weeks=20))
    db.session.commit()
    enrollment = services.enrollment_of(nc["cohort"], nc["trainee"].id)
    with pytest.raises(services.ExceptionRefused, match="same program"):
        services.defer(enrollment, elsewhere, actor=admin, reason="Family care")
    with pytest.raises(services.ExceptionRefused, match="starts later"):
        services.defer(enrollment, nc["cohort"], actor=admin, reason="Family care")
    later.open_seats = 0
    with pytest.raises(services.ExceptionRefused, match="is full"):
        services.defer(enrollment, later, actor=admin, reason="Family care")
    later.open_seats = None
    db.session.commit()
    before = {q.key: q.met for q in certificates.requirements_for(nc["trainee"], nc["cohort"])}
    services.defer(enrollment, later, actor=admin, reason="Family care")
    db.session.commit()
    after = {q.key: q.met for q in certificates.requirements_for(nc["trainee"], later)}
    assert after == before  # every completed week, attempt, post, role-play and hour came along
    records = load_records(later, [nc["trainee"].id])[nc["trainee"].id]
    # the remaining due dates follow the later cohort's calendar
    assert records.due["week-1-quiz"] == unlock_at(later.start_date, later.timezone, 1) + timedelta(days=7)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "enrollment.deferred")) is not None


def test_exception_lists_and_records_stay_constant_in_queries(nearly_complete, db):
    from tests.conftest import QueryCounter

    nc = nearly_complete
    services.grant(nc["cohort"], nc["trainee"], kind=ExceptionKind.EXTRA_ATTEMPT, item="week-3-quiz",
                   reason="Internet outage", actor=nc["lead"])
    db.session.commit()
    cohort, first = nc["cohort"], nc["trainee"].id
    assert cohort.course.rules  # loaded before counting, as a view has it
    with QueryCounter(db.engine) as one:
        load_records(cohort, [first])
    others = [factories.make_user(Role.TRAINEE) for _ in range(5)]
    for t in others:
        factories.make_enrollment(nc["cohort"], t)
        services.grant(nc["cohort"], t, kind=ExceptionKind.EXTRA_ATTEMPT, item="week-3-quiz", reason="Outage",
                       actor=nc["lead"])
    db.session.commit()
    ids = [first] + [t.id for t in others]
    assert cohort.course.rules
    with QueryCounter(db.engine) as many:
        load_records(cohort, ids)
    assert many.count == one.count, "\n".join(map(str, many.statements))


def test_the_engine_stays_pure_with_exceptions_as_records(plan):
    r = engine.TraineeRecords(waived={"week-1-quiz"}, exception_notes={"week-1-quiz": ["Requirement waived"]})
    q = {x.key: x for x in engine.evaluate(copy.deepcopy(r), plan)}["week-1-quiz"]
    assert q.met and q.waived and q.label.endswith("(waived)") and q.exceptions == ("Requirement waived",)
