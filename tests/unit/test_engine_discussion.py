"""Discussion participation in the eligibility engine, with the rules of the shipped course files."""

from __future__ import annotations

import copy

import pytest

from app.curriculum.loader import load_course
from app.eligibility.engine import (
    COMPLETE,
    IN_PROGRESS,
    CoursePlan,
    TraineeRecords,
    WeekPlan,
    evaluate,
    module_states,
)
from tests.conftest import COURSE_DIR


@pytest.fixture(scope="module")
def shipped() -> CoursePlan:
    spec = load_course(COURSE_DIR)
    weeks = tuple(WeekPlan(m.week, m.title, m.quiz.pass_percent, m.quiz.max_attempts,
                           has_prompt=m.discussion is not None) for m in spec.modules)
    return CoursePlan(weeks=weeks, rules=spec.rules)


@pytest.fixture(scope="module")
def plan(shipped) -> CoursePlan:
    """The shipped rules, with each week's discussion required for its module (a program may say so)."""
    rules = copy.deepcopy(shipped.rules)
    rules["modules"]["require_discussion"] = True
    return CoursePlan(shipped.weeks, rules)


def by_key(reqs):
    return {r.key: r for r in reqs}


def test_the_course_files_set_the_rule(shipped):
    rules = shipped.rules["discussion"]
    assert (rules["initial_post_min_words"], rules["peer_replies_min"], rules["required_prompts"]) == (150, 2, 10)
    # the course-wide count decides, so one missed week does not make the certificate impossible
    assert shipped.rules["modules"]["require_discussion"] is False


def test_one_missed_discussion_still_meets_the_shipped_rules(shipped):
    r = TraineeRecords(discussion_words=dict.fromkeys(range(1, 13), 200),
                       discussion_replies=dict.fromkeys(range(1, 13), 2))
    del r.discussion_words[7], r.discussion_replies[7]
    reqs = by_key(evaluate(r, shipped))
    assert reqs["discussion-prompts"].met
    assert not any(k.startswith("week-") and k.endswith("-discussion") for k in reqs)


def test_a_week_can_set_its_own_discussion_rule(plan):
    rules = copy.deepcopy(plan.rules)
    rules["week_discussion"] = {"3": {"initial_post_min_words": 50, "peer_replies_min": 0}}
    r = TraineeRecords(discussion_words={3: 60, 4: 60})
    reqs = by_key(evaluate(r, CoursePlan(plan.weeks, rules)))
    assert reqs["week-3-discussion"].met
    assert not reqs["week-4-discussion"].met  # the course's 150 words still apply in week 4
    rules["week_discussion"] = {"3": {"required": False}}
    reqs = by_key(evaluate(r, CoursePlan(plan.weeks, rules)))
    assert "week-3-discussion" not in reqs and "week-4-discussion" in reqs


def test_nothing_posted_says_both_parts_are_missing(plan):
    week1 = by_key(evaluate(TraineeRecords(), plan))["week-1-discussion"]
    assert not week1.met
    assert week1.missing == ("In the week 1 discussion, write an initial post of at least 150 words "
                             "and reply to 2 posts by others.")
    assert (week1.progress.current, week1.progress.target) == (0, 3)


def test_a_short_post_and_one_reply_say_what_is_left(plan):
    r = TraineeRecords(discussion_words={1: 149}, discussion_replies={1: 1})
    week1 = by_key(evaluate(r, plan))["week-1-discussion"]
    assert not week1.met
    assert "at least 150 words (your longest has 149)" in week1.missing
    assert "reply to 1 more post by others" in week1.missing


def test_150_words_and_two_peer_replies_meet_the_week(plan):
    r = TraineeRecords(lectures_viewed={1}, quiz_best={1: 90}, quiz_attempts={1: 1},
                       discussion_words={1: 150}, discussion_replies={1: 2})
    reqs = evaluate(r, plan)
    assert by_key(reqs)["week-1-discussion"].met
    assert module_states(reqs, plan, r)[1] == COMPLETE


def test_without_the_discussion_a_week_stays_in_progress(plan):
    r = TraineeRecords(lectures_viewed={1}, quiz_best={1: 90}, quiz_attempts={1: 1})
    assert module_states(evaluate(r, plan), plan, r)[1] == IN_PROGRESS


def test_required_prompts_counts_weeks_with_full_participation(plan):
    nine = TraineeRecords(discussion_words=dict.fromkeys(range(1, 10), 200),
                          discussion_replies=dict.fromkeys(range(1, 11), 2))
    nine.discussion_words[10] = 20  # too short: week 10 does not count
    req = by_key(evaluate(nine, plan))["discussion-prompts"]
    assert not req.met and (req.progress.current, req.progress.target) == (9, 10)
    assert req.missing == "Take part in 1 more weekly discussion."
    nine.discussion_words[10] = 150
    assert by_key(evaluate(nine, plan))["discussion-prompts"].met


def test_without_require_discussion_there_is_no_weekly_requirement(plan):
    rules = copy.deepcopy(plan.rules)
    rules["modules"]["require_discussion"] = False
    keys = by_key(evaluate(TraineeRecords(), CoursePlan(plan.weeks, rules)))
    assert "week-1-discussion" not in keys
    assert "discussion-prompts" in keys  # the course-wide count still applies


def test_weeks_without_a_prompt_have_no_discussion_requirement(plan):
    weeks = tuple(WeekPlan(w.week, w.title, w.quiz_pass_percent, w.quiz_max_attempts, has_prompt=False)
                  for w in plan.weeks)
    keys = by_key(evaluate(TraineeRecords(), CoursePlan(weeks, plan.rules)))
    assert not any("discussion" in k for k in keys)
