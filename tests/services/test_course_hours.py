"""The contact hours each shipped program prints on its certificates are what its live agendas and
discussion rule add up to: breaks left out, role-play labs counted once (not again on top of the
live time), rounded down to the quarter hour."""

from __future__ import annotations

import math
import re

import pytest

from app.curriculum.loader import load_course
from tests.conftest import COURSE_DIR

_MINUTES = re.compile(r"\((\d+) min\)")


def _quarter_hours_down(minutes: int) -> float:
    return math.floor(minutes / 15) / 4


@pytest.mark.parametrize("folder", ["therapeutic-mentoring"])
def test_contact_hours_count_the_live_time_once(folder):
    spec = load_course(COURSE_DIR.parent / folder)
    labs = other = 0
    for module in spec.modules:
        items = [(item, int(_MINUTES.search(item).group(1))) for item in module.live_agenda]
        assert sum(m for _, m in items) == module.live_minutes, f"week {module.week}: agenda minutes"
        labs += sum(m for item, m in items if "role-play" in item.lower())
        other += sum(m for item, m in items if "role-play" not in item.lower() and not item.startswith("Break"))
    hours = spec.rules["contact_hours"]
    assert hours["role_play"] == _quarter_hours_down(labs)
    assert hours["lecture"] == _quarter_hours_down(other)
    assert hours["lecture"] + hours["role_play"] <= sum(m.live_minutes for m in spec.modules) / 60
    assert hours["discussion"] == spec.rules["discussion"]["required_prompts"]
