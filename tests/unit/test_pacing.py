"""Weeks open at local midnight in the cohort's zone; live sessions keep their wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.pacing import is_open, session_start, unlock_at, week_number

UTC = UTC


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def test_week_n_opens_at_start_plus_n_minus_one_weeks_local_midnight():
    start = date(2026, 9, 7)
    assert unlock_at(start, "America/New_York", 1) == at(2026, 9, 7, 4)  # EDT = UTC-4
    assert unlock_at(start, "America/New_York", 3) == at(2026, 9, 21, 4)


def test_unlock_follows_the_daylight_saving_change():
    # US clocks go forward on 2026-03-08: week 1 opens at 05:00 UTC, week 2 at 04:00 UTC.
    start = date(2026, 3, 2)
    assert unlock_at(start, "America/New_York", 1) == at(2026, 3, 2, 5)
    assert unlock_at(start, "America/New_York", 2) == at(2026, 3, 9, 4)
    assert not is_open(start, "America/New_York", 2, now=at(2026, 3, 9, 3, 59))
    assert is_open(start, "America/New_York", 2, now=at(2026, 3, 9, 4, 0))


@pytest.mark.parametrize(("tz", "opens_utc"), [
    ("Pacific/Auckland", at(2026, 5, 10, 12)),   # NZST UTC+12: local midnight is noon the day before
    ("America/Los_Angeles", at(2026, 5, 11, 7)),
    ("Europe/London", at(2026, 5, 10, 23)),
])
def test_the_same_start_date_opens_at_different_instants_per_zone(tz, opens_utc):
    assert unlock_at(date(2026, 5, 4), tz, 2) == opens_utc


def test_early_unlock_opens_a_week_before_its_date():
    start = date(2026, 9, 7)
    now = at(2026, 9, 8)
    assert not is_open(start, "UTC", 4, now=now)
    assert is_open(start, "UTC", 4, now=now, unlocked_early={4})


def test_live_session_keeps_its_local_time_across_daylight_saving():
    start = date(2026, 3, 2)  # Monday; sessions on Wednesdays at 18:00 New York time
    week1 = session_start(start, "America/New_York", 1, weekday_offset=2, local_time=time(18, 0))
    week2 = session_start(start, "America/New_York", 2, weekday_offset=2, local_time=time(18, 0))
    assert week1 == at(2026, 3, 4, 23)   # EST
    assert week2 == at(2026, 3, 11, 22)  # EDT
    # Europe falls back on 2026-10-25
    london = [session_start(date(2026, 10, 19), "Europe/London", w, weekday_offset=0, local_time=time(9, 30))
              for w in (1, 2)]
    assert london == [at(2026, 10, 19, 8, 30), at(2026, 10, 26, 9, 30)]


@pytest.mark.parametrize(("today", "week"), [
    (date(2026, 9, 6), 0), (date(2026, 9, 7), 1), (date(2026, 9, 13), 1), (date(2026, 9, 14), 2),
    (date(2026, 11, 29), 12), (date(2026, 11, 30), 13),
])
def test_week_number(today, week):
    assert week_number(date(2026, 9, 7), today) == week
