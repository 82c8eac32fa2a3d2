"""Which week a cohort is in, computed in the cohort's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.db import utcnow


def cohort_today(tz: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(tz)).date()


def week_number(start: date, today: date) -> int:
    """1 during the first week; 0 or less before the start; > weeks after the end."""
    days = (today - start).days
    return days // 7 + 1 if days >= 0 else 0


def week_start(start: date, week: int) -> date:
    return start + timedelta(weeks=week - 1)


def describe(start: date, today: date, weeks: int) -> str:
    n = week_number(start, today)
    if n <= 0:
        return f"Starts {start:%B} {start.day}, {start.year}"
    if n > weeks:
        return "Finished"
    return f"Week {n} of {weeks}"


def unlock_date(start: date, week: int) -> date:
    """Week N opens on the cohort's start date plus N-1 weeks."""
    return week_start(start, week)


def unlock_at(start: date, tz: str, week: int) -> datetime:
    """The moment week N opens: local midnight of its unlock date in the cohort's zone, as UTC."""
    local = datetime.combine(unlock_date(start, week), time(0, 0), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def is_open(start: date, tz: str, week: int, *, now: datetime | None = None,
            unlocked_early: frozenset[int] | set[int] = frozenset()) -> bool:
    return week in unlocked_early or (now or utcnow()) >= unlock_at(start, tz, week)


def session_start(start: date, tz: str, week: int, *, weekday_offset: int, local_time: time) -> datetime:
    """A weekly live session: `weekday_offset` days into week N at `local_time` in the cohort's zone.

    The wall-clock time stays the same across daylight-saving changes; the UTC instant moves.
    """
    day = week_start(start, week) + timedelta(days=weekday_offset)
    return datetime.combine(day, local_time, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def in_zone(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))
