"""Rater agreement against reference scores: exact, exact-or-adjacent, quadratic-weighted kappa.

Pure functions over lists of (rater level, reference level) pairs on an ordinal
scale of `categories` (for example [1, 2, 3, 4]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    n: int
    exact: float | None
    adjacent: float | None  # exact or one level apart
    kappa: float | None     # None when undefined (no pairs, or no variation to agree on)


def quadratic_weighted_kappa(pairs: Sequence[tuple[int, int]], categories: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights w_ij = (i - j)^2 / (k - 1)^2.

    kappa = 1 - sum(w * observed) / sum(w * expected), where `expected` is the outer
    product of the two raters' marginal distributions scaled to n.
    """
    k = len(categories)
    n = len(pairs)
    if n == 0 or k < 2:
        return None
    index = {c: i for i, c in enumerate(categories)}
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j] / n
    if den == 0:
        return None
    return 1 - num / den


def agreement(pairs: Sequence[tuple[int, int]], categories: Sequence[int]) -> Agreement:
    n = len(pairs)
    if not n:
        return Agreement(0, None, None, None)
    exact = sum(a == b for a, b in pairs) / n
    adjacent = sum(abs(a - b) <= 1 for a, b in pairs) / n
    return Agreement(n, exact, adjacent, quadratic_weighted_kappa(pairs, categories))


def below_threshold(a: Agreement, thresholds: dict) -> list[str]:
    """What falls short of the rubric's [calibration] thresholds, in words."""
    out = []
    min_adj = thresholds.get("min_exact_or_adjacent")
    if min_adj is not None and a.adjacent is not None and a.adjacent < min_adj:
        out.append(f"exact-or-adjacent agreement {a.adjacent:.0%} is below {min_adj:.0%}")
    min_k = thresholds.get("min_weighted_kappa")
    if min_k is not None and a.kappa is not None and a.kappa < min_k:
        out.append(f"weighted kappa {a.kappa:.2f} is below {min_k:.2f}")
    return out
