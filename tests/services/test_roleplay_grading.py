"""Submitting and grading role-plays without HTTP: single marking, double-marking, moderation, refusals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.models import (
    AuditEvent,
    GradeRole,
    Module,
    OutboxMessage,
    Outcome,
    Recording,
    Resolution,
    RubricGrade,
    Scenario,
    SubmissionStatus,
)
from app.roleplay import grading, services
from app.roleplay.grading import GradeConflict, GradingRefused, IncompleteRubric
from tests.conftest import set_role_play_rules
from tests.web.test_roleplay import files_in

KEYS = ["engagement-rapport", "questions-reflections", "empathy-validation", "collaboration-autonomy-goals",
        "role-boundaries-ethics", "safety-escalation", "cultural-humility"]
CLEAR_PASS = dict(zip(KEYS, [4, 4, 3, 4, 3, 3, 4], strict=True))   # mean 3.57
FAIL = {**CLEAR_PASS, "engagement-rapport": 1}
BORDERLINE = dict.fromkeys(KEYS, 3)                                   # mean 3.0


def scenario(db, week) -> Scenario:
    return db.session.scalar(sa.select(Scenario).join(Module).where(Module.week == week))


def submit(rc, week=6, trainee=None, **kw):
    db_scenario = scenario(rc["_db"], week)
    args = {"rules": rc["course"].rules, "transcript": "**Mentor:** Hi Devon.", "reflection": "I rushed.",
            "script": "standard", "recording": None, "consent": False, "upload_dir": rc["upload_dir"],
            "max_bytes": 10_000, "mail_backend": "outbox", **kw}
    sub = services.submit(db_scenario, rc["cohort"], trainee or rc["trainee"], **args)
    rc["_db"].session.commit()
    return sub


def grade(rc, sub, who, levels, *, version=None, comments=None):
    db = rc["_db"]
    sub = db.session.merge(sub)
    rubric = services.rubric_for(rc["course"].id)
    result = grading.save_grade(sub, rc["cohort"], rubric, grader=rc[who], levels=levels, comments=comments or {},
                                overall="Keep going.", mail_backend="outbox",
                                expected_version=sub.version if version is None else version)
    db.session.commit()
    return result


@pytest.fixture
def rc(roleplay_cohort, db):
    rc = dict(roleplay_cohort)
    rc["_db"] = db
    return rc


def test_a_practice_role_play_is_graded_once_and_released(rc, db):
    sub = submit(rc, week=1)
    result = grade(rc, sub, "grader_a", FAIL)
    assert not result.verdict.passed
    assert (sub.status, sub.outcome, sub.resolution) == (SubmissionStatus.FINAL, Outcome.REVISE, Resolution.SINGLE)
    assert sub.released_at is not None
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == rc["trainee"].email)).all()
    assert [m.subject for m in mail] == ["Your role-play grade: " + sub.scenario.title]


def test_a_clear_pass_outside_the_sample_is_final_after_one_grade(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    sub = submit(rc)
    grade(rc, sub, "grader_a", CLEAR_PASS)
    assert (sub.status, sub.outcome, sub.resolution) == (SubmissionStatus.FINAL, Outcome.PASS, Resolution.SINGLE)


def test_sampled_summative_goes_to_a_blind_second_grader_and_agreement_releases_it(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)
    sub = submit(rc)
    first = grade(rc, sub, "grader_a", CLEAR_PASS)
    assert "second grader" in first.message
    assert (sub.status, sub.double_mark_reason, sub.outcome) == (SubmissionStatus.AWAITING_SECOND, "sample", None)
    assert sub.released_at is None
    # the first grader cannot also mark it second
    with pytest.raises(GradingRefused, match="different instructor"):
        grading.role_for(sub, rc["grader_a"], rc["cohort"])
    # the second grader is told to mark, and the queue shows it to them but not to the first grader
    assert any(i.submission.id == sub.id for i in grading.queue_for(rc["grader_b"])[SubmissionStatus.AWAITING_SECOND])
    assert not grading.queue_for(rc["grader_a"])[SubmissionStatus.AWAITING_SECOND]
    grade(rc, sub, "grader_b", {**CLEAR_PASS, "engagement-rapport": 3})
    assert (sub.status, sub.outcome, sub.resolution) == (SubmissionStatus.FINAL, Outcome.PASS, Resolution.AGREED)
    assert [g.role for g in sub.grades] == [GradeRole.FIRST, GradeRole.SECOND]  # every grade kept


def test_every_fail_is_double_marked_and_a_pass_fail_disagreement_goes_to_the_lead(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    sub = submit(rc)
    grade(rc, sub, "grader_a", FAIL)
    assert (sub.status, sub.double_mark_reason) == (SubmissionStatus.AWAITING_SECOND, "fail")
    grade(rc, sub, "grader_b", CLEAR_PASS)  # engagement 1 vs 4 and pass vs fail
    assert sub.status is SubmissionStatus.IN_DISPUTE and sub.outcome is None
    leads_mail = db.session.scalars(sa.select(OutboxMessage.to_address).where(
        OutboxMessage.subject.like("Grading disagreement%"))).all()
    assert leads_mail == [rc["lead"].email]
    # only a lead who has not graded it may decide
    with pytest.raises(GradingRefused, match="lead instructor"):
        grading.role_for(sub, rc["peer"], rc["cohort"])
    assert grading.role_for(sub, rc["lead"], rc["cohort"]) is GradeRole.MODERATION
    grade(rc, sub, "lead", BORDERLINE)
    assert (sub.status, sub.outcome, sub.resolution) == (SubmissionStatus.FINAL, Outcome.PASS, Resolution.MODERATED)
    assert sub.deciding_grade.grader_id == rc["lead"].id
    assert len(sub.grades) == 3
    with pytest.raises(GradingRefused, match="final grade already"):
        grading.role_for(sub, rc["grader_b"], rc["cohort"])


def test_a_two_level_gap_goes_to_the_lead_even_when_both_pass(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)
    sub = submit(rc)
    grade(rc, sub, "grader_a", {**CLEAR_PASS, "cultural-humility": 2})
    grade(rc, sub, "grader_b", {**CLEAR_PASS, "cultural-humility": 4})
    assert sub.status is SubmissionStatus.IN_DISPUTE


def test_a_borderline_pass_is_double_marked(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    sub = submit(rc)
    grade(rc, sub, "grader_a", BORDERLINE)
    assert sub.double_mark_reason == "borderline"


def test_the_moderation_gap_is_read_from_the_course(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=1.0, moderation_gap=3)
    sub = submit(rc)
    grade(rc, sub, "grader_a", {**CLEAR_PASS, "cultural-humility": 2})
    grade(rc, sub, "grader_b", {**CLEAR_PASS, "cultural-humility": 4})
    assert sub.status is SubmissionStatus.FINAL and sub.resolution is Resolution.AGREED


def test_grading_ones_own_submission_is_refused(rc, db):
    sub = submit(rc, trainee=rc["grader_a"])
    with pytest.raises(GradingRefused, match="your own submission"):
        grade(rc, sub, "grader_a", CLEAR_PASS)


def test_an_incomplete_rubric_names_the_missing_criteria(rc, db):
    sub = submit(rc)
    partial = {k: v for k, v in CLEAR_PASS.items() if k not in ("safety-escalation", "cultural-humility")}
    with pytest.raises(IncompleteRubric) as exc:
        grade(rc, sub, "grader_a", partial)
    assert exc.value.missing == ["Safety and escalation", "Cultural humility"]


def test_a_grade_saved_against_an_old_version_is_a_conflict(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)
    sub = submit(rc)
    seen = sub.version
    grade(rc, sub, "grader_a", CLEAR_PASS, version=seen)
    with pytest.raises(GradeConflict, match="Another instructor saved a grade"):
        grade(rc, sub, "grader_b", CLEAR_PASS, version=seen)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricGrade)) == 1


def test_one_grade_per_grader_and_per_role_is_a_database_rule(rc, db):
    sub = submit(rc)
    db.session.add(RubricGrade(submission_id=sub.id, grader_id=rc["grader_a"].id, role=GradeRole.FIRST,
                               levels=CLEAR_PASS, passed=True, mean=3.5))
    db.session.commit()
    for grader, role in ((rc["grader_a"], GradeRole.SECOND), (rc["grader_b"], GradeRole.FIRST)):
        db.session.add(RubricGrade(submission_id=sub.id, grader_id=grader.id, role=role,
                                   levels=CLEAR_PASS, passed=True, mean=3.5))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_grades_and_outcomes_are_audited(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    sub = submit(rc)
    grade(rc, sub, "grader_a", CLEAR_PASS)
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["roleplay.submitted", "roleplay.graded", "roleplay.status_changed"]
    change = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roleplay.status_changed"))
    assert change.before == {"status": "awaiting_grade"}
    assert change.after == {"status": "final", "outcome": "pass", "resolution": "single"}


def test_revise_opens_a_new_attempt_up_to_the_remediation_limit(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0, remediation_attempts=1)
    first = submit(rc, week=1)
    with pytest.raises(services.SubmissionRefused, match="still being graded"):
        submit(rc, week=1)
    grade(rc, first, "grader_a", FAIL)
    assert submit(rc, week=1).attempt == 2  # practice role-plays: as many attempts as needed
    sub = submit(rc)
    grade(rc, sub, "grader_a", FAIL)
    grade(rc, sub, "grader_b", FAIL)
    assert sub.outcome is Outcome.REVISE
    second = submit(rc)
    assert second.attempt == 2
    grade(rc, second, "grader_a", FAIL)
    grade(rc, second, "grader_b", FAIL)
    with pytest.raises(services.SubmissionRefused, match="all 2 attempts"):
        submit(rc)
    # an instructor's extra attempt (an exception with a reason) opens one more
    from app.exceptions import services as exceptions
    from app.models import ExceptionKind

    exceptions.grant(rc["cohort"], rc["trainee"], kind=ExceptionKind.EXTRA_ATTEMPT, item="week-6-roleplay",
                     reason="The recording failed twice", actor=rc["instructor"])
    db.session.commit()
    assert submit(rc).attempt == 3


def test_a_submission_needs_a_transcript_or_recording_and_consent_for_a_recording(rc, db):
    with pytest.raises(services.SubmissionRefused, match="transcript, a recording"):
        submit(rc, transcript="  ")
    mp4 = io.BytesIO(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100)
    with pytest.raises(services.SubmissionRefused, match="Confirm that everyone"):
        submit(rc, recording=mp4)
    assert files_in(rc["upload_dir"]) == []


def test_a_summative_pass_meets_the_eligibility_requirement(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    plan = load_plan(rc["course"])

    def requirement():
        records = load_records(rc["cohort"], [rc["trainee"].id])[rc["trainee"].id]
        return {r.key: r for r in engine.evaluate(records, plan)}["week-6-roleplay"]

    assert requirement().missing == "Submit the week 6 assessed role-play."
    sub = submit(rc)
    assert requirement().missing == "Your week 6 role-play is being graded."
    grade(rc, sub, "grader_a", CLEAR_PASS)
    assert requirement().met
    assert "week-11-roleplay" in {r.key for r in engine.evaluate(engine.TraineeRecords(), plan)}
    assert "week-9-roleplay" not in {r.key for r in engine.evaluate(engine.TraineeRecords(), plan)}


def test_retention_deletes_old_recordings_only(rc, db, runner):
    rc["upload_dir"].mkdir(parents=True)
    sub_old, sub_new = submit(rc, week=1), submit(rc, week=2)
    for sub, age in ((sub_old, 400), (sub_new, 10)):
        name = f"{sub.id:032d}.mp4"
        (rc["upload_dir"] / name).write_bytes(b"data")
        db.session.add(Recording(submission_id=sub.id, stored_name=name, mime="video/mp4", extension="mp4",
                                 size_bytes=4, consent_confirmed_at=utcnow(),
                                 uploaded_at=utcnow() - timedelta(days=age)))
    db.session.commit()
    result = runner.invoke(args=["roleplay", "purge-recordings", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "1 recording older than 365 days deleted." in result.output
    assert files_in(rc["upload_dir"]) == [f"{sub_new.id:032d}.mp4"]
    old = db.session.scalar(sa.select(Recording).where(Recording.submission_id == sub_old.id))
    assert old.deleted_at is not None


def test_the_remediation_window_closes_resubmission(rc, db):
    set_role_play_rules(db, rc["course"], double_mark_share=0, remediation_attempts=1, remediation_window_days=21)
    sub = submit(rc)
    grade(rc, sub, "grader_a", FAIL)
    grade(rc, sub, "grader_b", FAIL)
    attempts = services.attempts_of(sub.scenario, rc["cohort"], rc["trainee"])
    inside = sub.released_at + timedelta(days=21)
    assert services.next_attempt_refusal(attempts, sub.scenario, rc["course"].rules, now=inside) is None
    late = services.next_attempt_refusal(attempts, sub.scenario, rc["course"].rules, now=inside + timedelta(hours=1))
    assert late and "21-day window to resubmit" in late
    set_role_play_rules(db, rc["course"], remediation_window_days=None)
    assert services.next_attempt_refusal(attempts, sub.scenario, rc["course"].rules,
                                         now=inside + timedelta(days=300)) is None
