"""The peer recovery specialist program, imported next to the 12-week course and enforced by its own files.

Each rule in which it differs from the 12-week course is checked once met and once missed:
week count, quiz pass mark and "latest attempt counts", attendance without late or excused credit,
the course-wide discussion count, the rubric's at-level rule and not-applicable criteria, supervision
kinds, categories, lengths and submission window, and its certificate texts.
"""

from __future__ import annotations

import copy
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.curriculum.importer import sync_course
from app.curriculum.loader import load_course
from app.db import utcnow
from app.eligibility import engine
from app.models import Course, DeliveryMode, Role, SessionStatus, SupervisionType
from app.roleplay import rubric as rubric_rules
from app.supervision import services as supervision
from tests import factories
from tests.conftest import COURSE_DIR

PRS_DIR = Path(COURSE_DIR).parent / "peer-recovery-specialist"


@pytest.fixture(scope="module")
def spec():
    return load_course(PRS_DIR)


@pytest.fixture(scope="module")
def plan(spec) -> engine.CoursePlan:
    weeks = tuple(engine.WeekPlan(m.week, m.title, m.quiz.pass_percent, m.quiz.max_attempts, has_prompt=True)
                  for m in spec.modules)
    return engine.CoursePlan(weeks=weeks, rules=spec.rules)


def keyed(records: engine.TraineeRecords, plan) -> dict[str, engine.Requirement]:
    return {r.key: r for r in engine.evaluate(records, plan)}


def test_it_is_an_eight_week_program_with_its_own_rules(spec, plan):
    assert len(spec.modules) == 8 and spec.rules["weeks"] == 8
    keys = keyed(engine.TraineeRecords(), plan)
    assert "week-8-quiz" in keys and "week-9-quiz" not in keys
    assert {k for k in keys if k.endswith("-roleplay")} == {"week-4-roleplay", "week-8-roleplay"}
    assert spec.rules["role_play"]["roles"]["practitioner"] == "Peer specialist"
    assert [r.label for r in spec.modules[0].scenario.roles] == ["Peer specialist", "Participant", "Observer"]


def test_quiz_pass_mark_and_the_latest_attempt_counts(plan):
    passed_then_failed = engine.TraineeRecords(quiz_best={1: 90}, quiz_latest={1: 60}, quiz_attempts={1: 2})
    q = keyed(passed_then_failed, plan)["week-1-quiz"]
    assert not q.met and "used all 2 attempts" in q.missing
    assert keyed(engine.TraineeRecords(quiz_best={1: 70}, quiz_latest={1: 70}, quiz_attempts={1: 1}), plan)[
        "week-1-quiz"].met  # 70% passes here; the 12-week course needs 80%
    assert not keyed(engine.TraineeRecords(quiz_best={1: 69}, quiz_latest={1: 69}, quiz_attempts={1: 1}), plan)[
        "week-1-quiz"].met


def test_attendance_counts_neither_late_nor_excused_with_recording(plan):
    present = dict.fromkeys(range(1, 7), "present")
    assert keyed(engine.TraineeRecords(attendance=present), plan)["live-sessions"].met
    late = {**present, 6: "late"}
    assert not keyed(engine.TraineeRecords(attendance=late), plan)["live-sessions"].met
    excused = engine.TraineeRecords(attendance={**present, 6: "excused"}, recordings_watched={6})
    req = keyed(excused, plan)["live-sessions"]
    assert not req.met and "recording" not in req.missing
    required = keyed(engine.TraineeRecords(attendance={4: "late"}), plan)["required-live-weeks"]
    assert not required.met and required.label == "Attend the live session of week 4 live, on time"
    assert keyed(engine.TraineeRecords(attendance={4: "present"}), plan)["required-live-weeks"].met


def test_six_of_eight_discussions_with_100_words_and_one_reply(plan):
    six = engine.TraineeRecords(discussion_words=dict.fromkeys(range(1, 7), 100),
                                discussion_replies=dict.fromkeys(range(1, 7), 1))
    keys = keyed(six, plan)
    assert keys["discussion-prompts"].met
    assert not any(k.endswith("-discussion") and k.startswith("week-") for k in keys)
    five = copy.deepcopy(six)
    five.discussion_words[6] = 99
    assert not keyed(five, plan)["discussion-prompts"].met


def test_rubric_passes_on_four_criteria_at_meets_and_the_ethics_gate(spec):
    rule = spec.rubric.pass_rule
    keys = [c.key for c in spec.rubric.criteria]
    assert len(keys) == 5 and [lv["label"] for lv in spec.rubric.levels] == ["Not yet", "Meets", "Exceeds"]
    four = dict.fromkeys(keys, 2) | {next(k for k in keys if k != "ethics-boundaries"): 1}
    assert rubric_rules.evaluate_pass(four, rule, crisis=False).passed
    three = dict(four) | {next(k for k in keys if k != "ethics-boundaries" and four[k] == 2): 1}
    assert not rubric_rules.evaluate_pass(three, rule, crisis=False).passed
    gate = dict.fromkeys(keys, 3) | {"ethics-boundaries": 1}
    verdict = rubric_rules.evaluate_pass(gate, rule, crisis=False)
    assert not verdict.passed and any("must reach 2" in r for r in verdict.reasons)


def test_some_scenario_marks_a_criterion_not_applicable(spec):
    marked = [m.scenario for m in spec.modules if m.scenario.not_applicable]
    assert marked and all(set(s.not_applicable) <= {c.key for c in spec.rubric.criteria} for s in marked)


def test_supervision_categories_and_kinds(plan):
    rules = plan.rules["supervision"]
    day = date(2026, 9, 7)
    entries = [engine.SupervisionEntry(day + timedelta(weeks=i), "individual", 120, cat)
               for i, cat in enumerate(["advocacy", "advocacy", "mentoring", "mentoring", "recovery-support",
                                        "recovery-support", "recovery-support", "ethics"])]
    reqs = {r.key: r for r in engine.supervision_requirements(plan, engine.TraineeRecords(supervision=entries))}
    assert all(reqs[f"supervision-category-{k}"].met for k in ("advocacy", "mentoring", "recovery-support"))
    ethics = reqs["supervision-category-ethics"]
    assert not ethics.met and ethics.missing.startswith("Log another 1 hour of supervision in Ethical")
    tally = engine.tally_supervision([engine.SupervisionEntry(day, "triadic", 60, "ethics")], rules)
    assert tally.total == 0  # triadic is not a kind this program counts


@pytest.fixture
def two_programs(course, db):
    """A trainee enrolled in the 12-week course and the peer program, with a supervisor."""
    sync_course(load_course(PRS_DIR))
    db.session.commit()
    prs = db.session.scalar(sa.select(Course).where(Course.slug == "peer-recovery-specialist"))
    org = factories.make_org()
    first = factories.make_cohort(course, org, start=date.today() - timedelta(weeks=6))
    second = factories.make_cohort(prs, org, start=date.today() - timedelta(weeks=3))
    trainee = factories.make_user(Role.TRAINEE, organization_id=org.id)
    factories.make_enrollment(first, trainee)
    factories.make_enrollment(second, trainee)
    supervisor = factories.make_user(Role.SUPERVISOR, organization_id=org.id)
    factories.make_credential(supervisor)
    factories.make_assignment(trainee, supervisor)
    db.session.commit()
    return {"tm": first, "prs": second, "trainee": trainee, "supervisor": supervisor}


def _today(user) -> date:
    """The trainee's own calendar day: the program's windows count days where the trainee lives."""
    return utcnow().astimezone(ZoneInfo(user.timezone)).date()


def _input(tp, **kw) -> supervision.SessionInput:
    values = {"supervisor_id": tp["supervisor"].id, "session_date": _today(tp["trainee"]) - timedelta(days=2),
              "start_time": time(10, 0), "duration_minutes": 60, "supervision_type": SupervisionType.INDIVIDUAL,
              "delivery_mode": DeliveryMode.VIDEO, "summary": "Practised strengths-based questions.",
              "attested": True, "cohort_id": tp["prs"].id, "category": "advocacy"}
    return supervision.SessionInput(**{**values, **kw})


def test_logging_follows_the_program_the_hours_are_for(two_programs, db):
    tp = two_programs
    with pytest.raises(supervision.SupervisionRefused, match="Choose the program"):
        supervision.log_session(tp["trainee"], _input(tp, cohort_id=None), submit=False)
    with pytest.raises(supervision.SupervisionRefused, match="hour category"):
        supervision.log_session(tp["trainee"], _input(tp, category=None), submit=False)
    with pytest.raises(supervision.SupervisionRefused, match="does not count triadic"):
        supervision.log_session(tp["trainee"], _input(tp, supervision_type=SupervisionType.TRIADIC), submit=False)
    with pytest.raises(supervision.SupervisionRefused, match="between 1 and 120 minutes"):
        supervision.log_session(tp["trainee"], _input(tp, duration_minutes=150), submit=False)
    with pytest.raises(supervision.SupervisionRefused, match="within 10 days"):
        supervision.log_session(tp["trainee"], _input(tp, session_date=_today(tp["trainee"]) - timedelta(days=11)),
                                submit=True)
    db.session.rollback()
    # the 12-week course has no categories, takes triadic and 180 minutes, and a 14-day window
    ok = supervision.log_session(tp["trainee"], _input(tp, cohort_id=tp["tm"].id, category=None, duration_minutes=150,
                                                       supervision_type=SupervisionType.TRIADIC,
                                                       session_date=_today(tp["trainee"]) - timedelta(days=11)),
                                 submit=True)
    assert ok.cohort_id == tp["tm"].id and ok.category is None
    peer = supervision.log_session(tp["trainee"], _input(tp), submit=True)
    assert peer.cohort_id == tp["prs"].id and peer.category == "advocacy"


def test_the_same_hours_are_not_counted_for_both_programs(two_programs, db):
    from app.eligibility.records import load_records

    tp = two_programs
    factories.make_supervision(tp["trainee"], tp["supervisor"], status=SessionStatus.APPROVED,
                               cohort_id=tp["prs"].id, category="ethics", duration_minutes=90)
    db.session.commit()
    prs = load_records(tp["prs"], [tp["trainee"].id])[tp["trainee"].id]
    tm = load_records(tp["tm"], [tp["trainee"].id])[tp["trainee"].id]
    assert [(e.minutes, e.category) for e in prs.supervision] == [(90, "ethics")]
    assert tm.supervision == []
    rules = dict(tp["tm"].course.rules)
    rules["supervision"] = {**rules["supervision"], "count_sessions_from_other_programs": True}
    tp["tm"].course.rules = rules
    db.session.commit()
    assert len(load_records(tp["tm"], [tp["trainee"].id])[tp["trainee"].id].supervision) == 1


def test_a_group_larger_than_the_program_allows_is_refused(two_programs, db):
    tp = two_programs
    sup = tp["supervisor"]
    others = []
    for _ in range(9):
        t = factories.make_user(Role.TRAINEE, organization_id=tp["trainee"].organization_id)
        factories.make_enrollment(tp["prs"], t)
        factories.make_assignment(t, sup)
        others.append(t)
    db.session.commit()
    group = supervision.GroupInput(attendee_ids=[t.id for t in others],
                                   session_date=date.today() - timedelta(days=1), start_time=time(9, 0),
                                   duration_minutes=60, delivery_mode=DeliveryMode.VIDEO, category="mentoring")
    with pytest.raises(supervision.SupervisionRefused, match="at most 8 attendees"):
        supervision.create_group_session(sup, group, password=factories.PASSWORD)
    db.session.rollback()
    group.attendee_ids = [t.id for t in others[:8]]
    rows = supervision.create_group_session(sup, group, password=factories.PASSWORD)
    assert {r.cohort_id for r in rows} == {tp["prs"].id} and {r.category for r in rows} == {"mentoring"}


def test_its_certificate_texts_come_from_its_files(spec):
    cert = spec.rules["certificate"]
    assert cert["title"] == "Certificate of Completion – Peer Recovery Specialist"
    assert cert["serial_prefix"] == "PRS" and cert["valid_years"] == 3
    assert cert["require_final_signoff"] is False and cert["code_of_conduct"]
    keys = {r.key for r in engine.evaluate(engine.TraineeRecords(), engine.CoursePlan((), spec.rules))}
    assert "code-of-conduct" in keys and "final-signoff" not in keys


def test_a_week_may_have_no_quiz_role_play_or_discussion(tmp_path, course, db):
    import shutil

    from app.eligibility.records import load_plan

    copy = tmp_path / "prs"
    shutil.copytree(PRS_DIR, copy)
    week2 = next((copy / "weeks").glob("02-*"))
    (week2 / "quiz.toml").unlink()
    (week2 / "scenario.toml").unlink()
    text = (week2 / "module.toml").read_text()
    (week2 / "module.toml").write_text(text[:text.index("[discussion]")])
    spec = load_course(copy)
    week = next(m for m in spec.modules if m.week == 2)
    assert week.quiz is None and week.scenario is None and week.discussion is None
    sync_course(spec)
    db.session.commit()
    prs = db.session.scalar(sa.select(Course).where(Course.slug == "peer-recovery-specialist"))
    keys = {q.key for q in engine.evaluate(engine.TraineeRecords(), load_plan(prs))}
    assert "week-2-lecture" in keys and "week-2-quiz" not in keys and "week-1-quiz" in keys
    # a summative week still needs its scenario
    summative = next((copy / "weeks").glob("04-*"))
    (summative / "scenario.toml").unlink()
    with pytest.raises(Exception, match="needs a scenario.toml"):
        load_course(copy)


def test_the_certificate_snapshot_and_pdf_carry_the_programs_hour_categories(two_programs, app, db):
    import io
    from datetime import UTC, datetime

    import pypdf

    from app.certificates import services as certificates
    from app.certificates.document import certificate_pdf
    from app.eligibility.records import load_plan, load_records

    tp = two_programs
    factories.make_supervision(tp["trainee"], tp["supervisor"], status=SessionStatus.APPROVED,
                               cohort_id=tp["prs"].id, category="advocacy", duration_minutes=120)
    db.session.commit()
    plan = load_plan(tp["prs"].course)
    records = load_records(tp["prs"], [tp["trainee"].id])[tp["trainee"].id]
    snap = certificates._snapshot(tp["trainee"], tp["prs"], records, plan, datetime.now(UTC), date.today())
    assert {"label": "Advocacy", "hours": 2} in snap["hour_categories"]
    assert snap["credential_title"] == "Certificate of Completion – Peer Recovery Specialist"
    cert = factories.make_certificate(tp["trainee"], tp["prs"], snapshot=snap)
    db.session.commit()
    pdf = certificate_pdf(cert, issuer_name="Issuer", verify_url="https://x/verify")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Advocacy 2 h" in text and "Peer Recovery Specialist" in text
