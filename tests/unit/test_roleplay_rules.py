"""The rubric's pass rule, double-marking and moderation triggers, agreement statistics, upload sniffing,
CSV escaping: pure functions, read against the shipped course files."""

from __future__ import annotations

import io

import pytest

from app.csvsafe import escape_cell as safe_cell
from app.curriculum.loader import load_course
from app.roleplay import rubric as r
from app.roleplay.agreement import agreement, below_threshold, quadratic_weighted_kappa
from app.roleplay.uploads import UploadRefused, promote, sniff, store
from tests.conftest import COURSE_DIR

KEYS = ["engagement-rapport", "questions-reflections", "empathy-validation", "collaboration-autonomy-goals",
        "role-boundaries-ethics", "safety-escalation", "cultural-humility"]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200


@pytest.fixture(scope="module")
def spec():
    return load_course(COURSE_DIR)


def levels(default=3, **overrides):
    out = dict.fromkeys(KEYS, default)
    out.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return out


@pytest.mark.parametrize(("given", "crisis", "passed", "reason"), [
    (levels(3), False, True, None),
    (levels(4, engagement_rapport=1), False, False, "Engagement and rapport is at level 1"),
    # 3,3,3,3,3,2,2 -> mean 2.71, below 2.75
    (levels(3, safety_escalation=2, cultural_humility=2), False, False, "mean level is 2.71"),
    (levels(4, role_boundaries_ethics=2), False, False, "Role, boundaries and ethics is at level 2"),
    # the safety gate applies to crisis scenarios only
    (levels(4, safety_escalation=2), False, True, None),
    (levels(4, safety_escalation=2), True, False, "Safety and escalation is at level 2"),
])
def test_pass_rule_comes_from_the_course_rubric(spec, given, crisis, passed, reason):
    titles = {c.key: c.title for c in spec.rubric.criteria}
    verdict = r.evaluate_pass(given, spec.rubric.pass_rule, crisis=crisis, titles=titles)
    assert verdict.passed is passed
    if reason:
        assert any(reason in line for line in verdict.reasons), verdict.reasons


def test_pass_rule_is_described_in_plain_words(spec):
    titles = {c.key: c.title for c in spec.rubric.criteria}
    lines = r.describe_pass_rule(spec.rubric.pass_rule, titles)
    assert "Every criterion at level 2 or higher." in lines
    assert "Mean level at least 2.75." in lines
    assert "Safety and escalation at level 3 or higher (crisis scenarios only)." in lines


def test_a_different_rule_changes_the_verdict_without_code_changes():
    rule = {"min_level": 1, "min_mean": 2.0, "gates": []}
    assert r.evaluate_pass({"a": 1, "b": 3}, rule, crisis=False).passed


def test_missing_criteria_are_named():
    assert r.missing_criteria({"a": 2, "b": None}, [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]) == ["Beta", "Gamma"]


def test_double_marking_reasons(spec):
    rules = spec.rules["role_play"]
    crit = spec.rubric.pass_rule

    def reason(lv, summative=True, share=None):
        rp = {**rules, **({"double_mark_share": share} if share is not None else {})}
        return r.double_mark_reason(r.evaluate_pass(lv, crit, crisis=False), summative=summative,
                                    sample_key="k", role_play_rules=rp)

    assert reason(levels(4, engagement_rapport=1)) == "fail"
    assert reason(levels(3)) == "borderline"                      # mean 3.0 is inside [2.5, 3.0]
    assert reason(levels(4), share=0) is None                     # clear pass, not sampled
    assert reason(levels(4), share=1) == "sample"
    assert reason(levels(4, engagement_rapport=1), summative=False) is None  # practice role-plays: one grader


def test_sampling_is_deterministic_and_close_to_the_share():
    keys = [f"1:{t}:6:1" for t in range(2000)]
    picked = [k for k in keys if r.sampled(k, 0.20)]
    assert picked == [k for k in keys if r.sampled(k, 0.20)]
    assert 0.17 < len(picked) / len(keys) < 0.23


def test_moderation_on_a_two_level_gap_or_pass_fail_disagreement():
    a, b = {"x": 2, "y": 3}, {"x": 4, "y": 3}
    assert r.needs_moderation(a, b, first_passed=True, second_passed=True, gap=2) == ["x: levels 2 and 4"]
    assert r.needs_moderation(a, {"x": 3, "y": 3}, first_passed=True, second_passed=True, gap=2) == []
    assert r.needs_moderation(a, a, first_passed=True, second_passed=False, gap=2) == [
        "one grader passed it and the other did not"]


def test_weighted_kappa_matches_hand_computed_values():
    cats = [1, 2, 3, 4]
    # Two swapped neighbours among six ratings with identical marginals: 1 - (2/9) / (66/54) = 9/11.
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 3), (3, 2)]
    assert quadratic_weighted_kappa(pairs, cats) == pytest.approx(9 / 11)
    # Always one level above the reference: 1 - (3/9) / (21/27) = 4/7.
    assert quadratic_weighted_kappa([(2, 1), (3, 2), (4, 3)], cats) == pytest.approx(4 / 7)
    assert quadratic_weighted_kappa([(1, 1), (4, 4)], cats) == pytest.approx(1.0)
    # Complete reversal on the extremes: 1 - 2 / 1 = -1.
    assert quadratic_weighted_kappa([(1, 4), (4, 1)], cats) == pytest.approx(-1.0)
    assert quadratic_weighted_kappa([(3, 3), (3, 3)], cats) is None  # no variation: undefined
    assert quadratic_weighted_kappa([], cats) is None


def test_exact_and_adjacent_agreement_and_flags():
    a = agreement([(2, 1), (3, 2), (4, 3), (4, 1)], [1, 2, 3, 4])
    assert (a.n, a.exact, a.adjacent) == (4, 0.0, 0.75)
    flags = below_threshold(a, {"min_exact_or_adjacent": 0.8, "min_weighted_kappa": 0.6})
    assert flags[0] == "exact-or-adjacent agreement 75% is below 80%"
    assert any("weighted kappa" in f for f in flags)
    assert below_threshold(agreement([(1, 1), (4, 4)], [1, 2, 3, 4]), {"min_weighted_kappa": 0.6}) == []


@pytest.mark.parametrize(("raw", "safe"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Tara", "Tara"), ("85%", "85%"), (None, ""),
])
def test_csv_cells_cannot_start_a_formula(raw, safe):
    assert safe_cell(raw) == safe


def test_type_comes_from_content_not_name(tmp_path):
    assert sniff(io.BytesIO(MP4)) == ("video/mp4", "mp4")
    for fake in (b"<html><script>alert(1)</script></html>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"%PDF-1.7 ..."):
        with pytest.raises(UploadRefused, match="not an audio or video recording"):
            store(io.BytesIO(fake), tmp_path, max_bytes=10_000)
    with pytest.raises(UploadRefused, match="over the") as too_big:
        store(io.BytesIO(MP4), tmp_path, max_bytes=100)
    assert too_big.value.too_large
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing stored on refusal
    name, mime, ext, size = store(io.BytesIO(MP4), tmp_path, max_bytes=10_000)
    assert not (tmp_path / name).exists()  # under a temporary name until its row is committed
    promote(tmp_path, name)
    assert (tmp_path / name).read_bytes() == MP4 and mime == "video/mp4" and size == len(MP4)
    assert name.endswith(".mp4") and len(name) == 36  # generated, not the uploader's name


def test_at_least_n_criteria_at_a_level():
    rule = {"min_level": 1, "min_criteria_at_level": {"count": 4, "level": 2}}
    three = {"a": 2, "b": 2, "c": 2, "d": 1, "e": 1}
    verdict = r.evaluate_pass(three, rule, crisis=False)
    assert not verdict.passed and verdict.reasons == ["3 criteria are at level 2 or higher; at least 4 must be."]
    assert r.evaluate_pass({**three, "d": 3}, rule, crisis=False).passed
    assert "At least 4 criteria at level 2 or higher." in r.describe_pass_rule(rule, {})


def test_not_applicable_criteria_are_left_out_of_the_rule():
    """A scenario's not-applicable criteria are not graded: the mean, the gates and the at-level count
    are taken over the criteria that apply."""
    rule = {"min_mean": 2.5, "min_criteria_at_level": {"count": 5, "level": 2},
            "gates": [{"criterion": "safety", "min_level": 3, "crisis_only": False}]}
    graded = {"a": 3, "b": 2, "c": 3, "d": 2}  # "safety" not applicable here; only four criteria apply
    verdict = r.evaluate_pass(graded, rule, crisis=False)
    assert verdict.passed and verdict.mean == 2.5
