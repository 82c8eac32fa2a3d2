"""Truth tables for the object rules, without a database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app import policy
from app.models.users import Role


def person(role, uid=1, org=10, active=True):
    return SimpleNamespace(id=uid, role=role, organization_id=org, is_authenticated=True, is_active=active)


ANON = SimpleNamespace(is_authenticated=False, is_active=False)
COHORT = SimpleNamespace(organization_id=10, staff=[SimpleNamespace(user_id=7)])


@pytest.mark.parametrize(("user", "enrolled", "expected"), [
    (ANON, False, False),
    (person(Role.ADMIN, org=None), False, True),
    (person(Role.ORG_ADMIN, org=10), False, True),
    (person(Role.ORG_ADMIN, org=11), False, False),
    (person(Role.INSTRUCTOR, uid=7), False, True),
    (person(Role.INSTRUCTOR, uid=8), False, False),
    (person(Role.TRAINEE), True, True),
    (person(Role.TRAINEE), False, False),
    (person(Role.SUPERVISOR), True, False),
    (person(Role.ADMIN, active=False), False, False),
])
def test_can_view_cohort(user, enrolled, expected):
    assert policy.can_view_cohort(user, COHORT, is_enrolled=enrolled) is expected


def test_trainees_do_not_see_the_roster():
    assert policy.can_see_roster(person(Role.INSTRUCTOR, uid=7), COHORT)
    assert not policy.can_see_roster(person(Role.TRAINEE), COHORT)


def test_archived_course_is_for_admins_only():
    archived = SimpleNamespace(archived_at="2026-01-01")
    assert policy.can_view_course(person(Role.ADMIN), archived)
    assert not policy.can_view_course(person(Role.TRAINEE), archived)
    assert not policy.can_view_course(ANON)


def test_own_records_only():
    me, other = person(Role.TRAINEE, uid=1), person(Role.TRAINEE, uid=2)
    attempt = SimpleNamespace(user_id=1)
    session = SimpleNamespace(trainee_id=1)
    assert policy.can_answer_attempt(me, attempt) and not policy.can_answer_attempt(other, attempt)
    assert policy.can_change_hours_record(me, session) and not policy.can_change_hours_record(other, session)
    assert not policy.can_change_hours_record(person(Role.SUPERVISOR, uid=1), session)
    assert not policy.can_answer_attempt(ANON, attempt)


def test_the_signed_credential_goes_to_its_holder_and_admins_only():
    cert = SimpleNamespace(user_id=1)
    assert policy.can_download_credential(person(Role.TRAINEE, uid=1), cert)
    assert policy.can_download_credential(person(Role.ADMIN, uid=9), cert)
    assert not policy.can_download_credential(person(Role.ORG_ADMIN, uid=5), cert)
    assert not policy.can_download_credential(person(Role.INSTRUCTOR, uid=7), cert)


def test_quiz_answers_the_trainee_when_revealed_and_the_cohort_staff_always():
    me, other, teacher = person(Role.TRAINEE, uid=1), person(Role.TRAINEE, uid=2), person(Role.INSTRUCTOR, uid=7)
    attempt = SimpleNamespace(user_id=1)
    assert policy.can_see_quiz_answers(me, attempt, COHORT, revealed=True)
    assert not policy.can_see_quiz_answers(me, attempt, COHORT, revealed=False)
    assert not policy.can_see_quiz_answers(other, attempt, COHORT, revealed=True)
    assert policy.can_see_quiz_answers(teacher, attempt, COHORT, revealed=False)


def test_only_enrolled_trainees_mark_an_open_lecture_read():
    me = person(Role.TRAINEE)
    assert policy.can_mark_lecture_read(me, COHORT, is_enrolled=True, is_open=True)
    assert not policy.can_mark_lecture_read(me, COHORT, is_enrolled=True, is_open=False)
    assert not policy.can_mark_lecture_read(me, COHORT, is_enrolled=False, is_open=True)
    assert not policy.can_mark_lecture_read(person(Role.INSTRUCTOR, uid=7), COHORT, is_enrolled=False, is_open=True)


@pytest.mark.parametrize(("summative", "calibrated", "expected"), [
    (False, False, True), (False, True, True), (True, True, True), (True, False, False),
])
def test_summatives_need_a_calibrated_grader(summative, calibrated, expected):
    grader = person(Role.INSTRUCTOR, uid=7)
    sub = SimpleNamespace(trainee_id=1, scenario=SimpleNamespace(is_summative=summative))
    assert policy.can_grade_now(grader, sub, COHORT, calibrated=calibrated) is expected
    assert not policy.can_grade_now(person(Role.INSTRUCTOR, uid=8), sub, COHORT, calibrated=True)
