"""The counting rules for supervision hours, with their edges (rules from the shipped course)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.curriculum.loader import load_course
from app.eligibility.engine import CoursePlan, SupervisionEntry, TraineeRecords, supervision_requirements, tally_supervision
from tests.conftest import COURSE_DIR

MONDAY = date(2026, 9, 7)


@pytest.fixture(scope="module")
def rules() -> dict:
    return load_course(COURSE_DIR).rules["supervision"]


def e(days: int, kind: str, minutes: int) -> SupervisionEntry:
    return SupervisionEntry(MONDAY + timedelta(days=days), kind, minutes)


def test_sessions_under_the_minimum_do_not_count(rules):
    t = tally_supervision([e(0, "individual", 29), e(7, "individual", 30)], rules)
    assert [c.counted for c in t.entries] == [0, 30]
    assert t.entries[0].reason == "Sessions under 30 minutes do not count."
    assert t.weeks == 1


def test_group_sessions_need_sixty_minutes_and_are_capped(rules):
    t = tally_supervision([e(0, "group", 59)] + [e(7 * i, "group", 60) for i in range(1, 8)], rules)
    counted = [c.counted for c in t.entries]
    assert counted[0] == 0 and "from 60 minutes" in t.entries[0].reason
    assert counted[1:] == [60] * 6 + [0]
    assert t.group == 6 * 60
    assert "up to 6 hours" in t.entries[-1].reason


def test_a_group_session_can_be_partly_counted_at_the_cap(rules):
    t = tally_supervision([e(0, "group", 180), e(7, "group", 150), e(14, "group", 90)], rules)
    assert [c.counted for c in t.entries] == [180, 150, 30]


def test_categories_and_observations(rules):
    t = tally_supervision([e(0, "individual", 60), e(7, "triadic", 60), e(14, "live_observation", 45),
                           e(21, "recorded_review", 30), e(28, "group", 60)], rules)
    assert (t.individual, t.observation, t.group, t.total) == (120, 75, 60, 255)
    assert t.observations == 2


def test_distinct_weeks_are_calendar_weeks(rules):
    # Sunday and the next Monday are different weeks; Monday and Sunday of one week are the same.
    t = tally_supervision([e(0, "individual", 60), e(6, "individual", 60), e(7, "individual", 60)], rules)
    assert t.weeks == 2


def _reqs(entries, rules):
    plan = CoursePlan(weeks=(), rules={"supervision": rules})
    return {r.key: r for r in supervision_requirements(plan, TraineeRecords(supervision=entries))}


def test_requirements_are_met_exactly_at_their_targets(rules):
    weeks = [e(7 * i, "individual", 90) for i in range(8)]  # 12 h individual over 8 weeks
    reqs = _reqs(weeks, rules)
    assert reqs["supervision-total"].met and reqs["supervision-individual"].met and reqs["supervision-weeks"].met
    assert not reqs["supervision-observation"].met
    assert reqs["supervision-observation"].missing == (
        "Have 1 more supervision session by live observation or recorded review approved.")
    short = _reqs(weeks[:-1] + [e(49, "individual", 89)], rules)
    assert not short["supervision-total"].met
    assert short["supervision-total"].missing == "Log another 1 minute of supervision, approved by your supervisor."


def test_group_hours_beyond_the_cap_do_not_fill_the_total(rules):
    entries = [e(7 * i, "group", 120) for i in range(6)]  # 12 h of group, only 6 count
    reqs = _reqs(entries, rules)
    assert reqs["supervision-total"].progress.current == 6
    assert not reqs["supervision-total"].met
    assert reqs["supervision-total"].missing == "Log another 6 hours of supervision, approved by your supervisor."


def _program(rules: dict, **changes) -> dict:
    return {**rules, **changes}


def test_a_program_can_exclude_triadic_from_individual_hours(rules):
    entries = [e(7 * i, "triadic", 90) for i in range(4)]
    assert _reqs(entries, rules)["supervision-individual"].met
    peer = _program(rules, individual_types=["individual"], individual_hours=6)
    reqs = _reqs(entries, peer)
    assert not reqs["supervision-individual"].met
    assert reqs["supervision-individual"].label == "6 hours of individual supervision"


def test_kinds_a_program_does_not_offer_do_not_count(rules):
    peer = _program(rules, session_types=["individual", "group"], individual_types=["individual"],
                    observation_types=[])
    t = tally_supervision([e(0, "recorded_review", 60), e(7, "individual", 60)], peer)
    assert [c.counted for c in t.entries] == [0, 60]
    assert t.entries[0].reason == "This program does not count this kind of session."


def test_hour_categories_each_need_their_minimum(rules):
    cats = [{"key": "advocacy", "label": "Advocacy", "min_hours": 2},
            {"key": "ethics", "label": "Ethical responsibility", "min_hours": 1}]
    program = _program(rules, categories=cats)
    entries = [SupervisionEntry(MONDAY, "individual", 120, "advocacy"),
               SupervisionEntry(MONDAY + timedelta(days=7), "individual", 30, "ethics")]
    reqs = _reqs(entries, program)
    assert reqs["supervision-category-advocacy"].met
    ethics = reqs["supervision-category-ethics"]
    assert not ethics.met and ethics.label == "1 hour of supervision in Ethical responsibility"
    assert ethics.missing == "Log another 30 minutes of supervision in Ethical responsibility, approved by your supervisor."
    # a session under the program's minimum length fills no category
    short = _reqs([SupervisionEntry(MONDAY, "individual", 20, "advocacy")], program)
    assert short["supervision-category-advocacy"].progress.current == 0


def test_without_a_group_cap_all_group_hours_count(rules):
    uncapped = _program(rules, group_max_hours=None)
    t = tally_supervision([e(7 * i, "group", 120) for i in range(6)], uncapped)
    assert t.group == 12 * 60
