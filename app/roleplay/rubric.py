"""The rubric's rules as pure functions: pass rule, double-marking selection, moderation.

No database and no Flask. Every threshold comes from the course files: the
rubric's `[pass_rule]` and course.toml's `[role_play]` table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    passed: bool
    mean: float
    reasons: list[str] = field(default_factory=list)


def _title(titles: Mapping[str, str], key: str) -> str:
    return titles.get(key, key)


def describe_pass_rule(rule: Mapping, titles: Mapping[str, str]) -> list[str]:
    """The pass rule in plain words, one line per condition, for graders and trainees."""
    lines = []
    if rule.get("min_level"):
        lines.append(f"Every criterion at level {rule['min_level']} or higher.")
    if rule.get("min_mean") is not None:
        lines.append(f"Mean level at least {rule['min_mean']:g}.")
    if rule.get("min_criteria_at_level"):
        at = rule["min_criteria_at_level"]
        lines.append(f"At least {at['count']} criteria at level {at['level']} or higher.")
    for gate in rule.get("gates", []):
        where = " (crisis scenarios only)" if gate.get("crisis_only") else ""
        lines.append(f"{_title(titles, gate['criterion'])} at level {gate['min_level']} or higher{where}.")
    return lines


def evaluate_pass(levels: Mapping[str, int], rule: Mapping, *, crisis: bool,
                  titles: Mapping[str, str] | None = None) -> Verdict:
    """Apply the rubric's pass rule to one set of levels (every criterion must be present)."""
    titles = titles or {}
    mean = round(sum(levels.values()) / len(levels), 2) if levels else 0.0
    reasons = []
    floor = rule.get("min_level")
    if floor:
        for key, level in levels.items():
            if level < floor:
                reasons.append(f"{_title(titles, key)} is at level {level}; every criterion needs {floor} or more.")
    min_mean = rule.get("min_mean")
    if min_mean is not None and mean < min_mean:
        reasons.append(f"The mean level is {mean:.2f}; at least {min_mean:g} is needed.")
    at = rule.get("min_criteria_at_level")
    if at:
        # criteria marked not applicable are not graded, so fewer may be present than the rule names
        need = min(at["count"], len(levels))
        have = sum(1 for level in levels.values() if level >= at["level"])
        if have < need:
            reasons.append(f"{have} criteria are at level {at['level']} or higher; at least {need} must be.")
    for gate in rule.get("gates", []):
        if gate.get("crisis_only") and not crisis:
            continue
        level = levels.get(gate["criterion"])
        if level is not None and level < gate["min_level"]:
            reasons.append(f"{_title(titles, gate['criterion'])} is at level {level}; "
                           f"this criterion must reach {gate['min_level']}.")
    return Verdict(passed=not reasons, mean=mean, reasons=reasons)


def missing_criteria(levels: Mapping[str, int | None], criteria: Sequence[tuple[str, str]]) -> list[str]:
    """Titles of the criteria (key, title) without a level."""
    return [title for key, title in criteria if levels.get(key) is None]


def sampled(key: str, share: float) -> bool:
    """Deterministic sampling: the same submission is always in or out, about `share` of all are in."""
    if share <= 0:
        return False
    if share >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64
    return bucket < share


def double_mark_reason(verdict: Verdict, *, summative: bool, sample_key: str, role_play_rules: Mapping) -> str | None:
    """Why a first grade needs a second grader, or None. Only summative role-plays are double-marked."""
    if not summative:
        return None
    if not verdict.passed:
        return "fail"
    low, high = role_play_rules.get("borderline_mean", (None, None))
    if low is not None and low <= verdict.mean <= high:
        return "borderline"
    if sampled(sample_key, float(role_play_rules.get("double_mark_share", 0))):
        return "sample"
    return None


DOUBLE_MARK_LABELS = {
    "fail": "every fail is double-marked",
    "borderline": "borderline mean",
    "sample": "random sample of assessed role-plays",
}


def needs_moderation(first: Mapping[str, int], second: Mapping[str, int], *, first_passed: bool,
                     second_passed: bool, gap: int) -> list[str]:
    """Why two grades must go to a lead instructor: criteria `gap` or more levels apart, or pass/fail."""
    reasons = [f"{key}: levels {first[key]} and {second[key]}" for key in first
               if key in second and abs(first[key] - second[key]) >= gap]
    if first_passed != second_passed:
        reasons.append("one grader passed it and the other did not")
    return reasons
