"""A grader's calibration standing: may they grade assessed (summative) role-plays under a rubric?

The rubric's `[calibration]` decides. With `required_exemplars`, a grader must have graded that many
of the rubric's calibration exemplars; with `min_exact_or_adjacent` or `min_weighted_kappa`, their
agreement with the exemplars' reference levels over all criteria must reach the threshold (a grader
who has graded none has no agreement to fall short of, so only `required_exemplars` asks for
exemplars to be graded). A grader who falls short still grades formative role-plays.
One function, `standing_of`, answers for the grading page, the queue, the service and the report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import CalibrationExemplar, CalibrationGrade, Rubric, User
from app.roleplay.agreement import Agreement, agreement, below_threshold

#: the [calibration] keys that gate summative grading
GATING_KEYS = ("required_exemplars", "min_exact_or_adjacent", "min_weighted_kappa")


@dataclass(frozen=True)
class Standing:
    graded: int  # exemplars of the rubric this grader has graded
    required: int | None  # the rubric's required_exemplars
    overall: Agreement
    reasons: tuple[str, ...]  # why summatives are closed to the grader; empty when calibrated

    @property
    def calibrated(self) -> bool:
        return not self.reasons

    @property
    def refusal(self) -> str:
        return ("You cannot grade assessed (summative) role-plays yet: " + "; ".join(self.reasons)
                + ". Grade the calibration exemplars to calibrate; you can grade formative role-plays now.")


def judge(graded: int, overall: Agreement, thresholds: dict) -> Standing:
    """The standing from what the grader did, under the rubric's [calibration] thresholds."""
    required = thresholds.get("required_exemplars")
    reasons = []
    if required and graded < required:
        reasons.append(f"{graded} of the {required} required calibration exemplars graded")
    reasons += [f"{r} (over all criteria)" for r in below_threshold(overall, thresholds)]
    return Standing(graded, required, overall, tuple(reasons))


def criterion_pairs(rubric: Rubric, grader_ids: list[int] | None = None
                    ) -> tuple[dict[int, int], dict[int, dict[str, list[tuple[int, int]]]]]:
    """Per grader: how many of the rubric's exemplars they graded, and (their level, reference level)
    pairs per active criterion."""
    keys = [c.key for c in rubric.criteria if c.archived_at is None]
    stmt = (sa.select(CalibrationGrade.grader_id, CalibrationGrade.levels, CalibrationExemplar.reference_levels)
            .join(CalibrationExemplar, CalibrationExemplar.id == CalibrationGrade.exemplar_id)
            .where(CalibrationExemplar.rubric_id == rubric.id))
    if grader_ids is not None:
        stmt = stmt.where(CalibrationGrade.grader_id.in_(grader_ids))
    counts: dict[int, int] = defaultdict(int)
    pairs: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for gid, levels, reference in db.session.execute(stmt):
        counts[gid] += 1
        for key in keys:
            if key in levels and key in reference:
                pairs[gid][key].append((int(levels[key]), int(reference[key])))
    return counts, pairs


def categories(rubric: Rubric) -> list[int]:
    return sorted(lv["value"] for lv in rubric.levels)


def standing_of(rubric: Rubric | None, grader: User) -> Standing:
    """`grader`'s standing under `rubric` (calibrated when there is no rubric or it sets no [calibration] gate)."""
    thresholds = (rubric.calibration or {}) if rubric is not None else {}
    if rubric is None or not any(thresholds.get(k) is not None for k in GATING_KEYS):
        return Standing(0, None, agreement([], []), ())
    counts, pairs = criterion_pairs(rubric, [grader.id])
    overall = agreement([p for ps in pairs[grader.id].values() for p in ps], categories(rubric))
    return judge(counts[grader.id], overall, thresholds)
