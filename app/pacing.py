"""Which week a cohort is in, computed in the cohort's own time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
