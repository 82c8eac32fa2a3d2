"""Expiry dates that cannot crash: any issue moment, any time zone, any number of years, leap days and
year ends included; and the credential's dates agree with the certificate's."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from app.certificates import credential
from app.certificates.services import expiry_date

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2200, 12, 31), timezones=offsets)
years = st.integers(min_value=1, max_value=10)


@given(moments, years)
@example(datetime(2024, 2, 29, 12, 0, tzinfo=UTC), 2)
@example(datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5))), 1)  # 1 March in UTC
@example(datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), 2)
@example(datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), 2)  # still 31 December in UTC
def test_expiry_is_the_same_calendar_day_n_years_after_the_utc_issue_date(issued_at, valid_years):
    issued = issued_at.astimezone(UTC).date()
    until = expiry_date(issued_at, valid_years)
    assert until.year == issued.year + valid_years
    if (issued.month, issued.day) == (2, 29) and not calendar.isleap(until.year):
        assert (until.month, until.day) == (2, 28)  # the last day of February, never 1 March
    else:
        assert (until.month, until.day) == (issued.month, issued.day)
    assert until > issued


def test_the_named_cases():
    assert expiry_date(datetime(2024, 2, 29, 9, 0, tzinfo=UTC), 2) == date(2026, 2, 28)
    assert expiry_date(datetime(2024, 2, 29, 9, 0, tzinfo=UTC), 4) == date(2028, 2, 29)
    assert expiry_date(datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), 2) == date(2027, 12, 31)
    # 1 January in Karachi is still 31 December by the platform's (UTC) calendar
    assert expiry_date(datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), 2) == date(2027, 12, 31)


@given(moments, years)
def test_the_credential_window_covers_the_whole_last_day(issued_at, valid_years):
    until = credential.end_of_day(expiry_date(issued_at, valid_years))
    vc = credential.build_credential(
        cert_uuid="00000000-0000-4000-8000-000000000000", serial="TMC-2026-000001", status_index=1,
        status_list_url="https://example.org/credentials/status/suspension/1", holder_name="Ana",
        holder_email="ana@example.org", issued_at=issued_at, valid_until=until,
        course={"slug": "c", "version": "1", "title": "T", "description": "D", "criteria": "C",
                "achievement_type": "Certificate", "competencies": [], "contact_hours": 1},
        issuer={"did": "did:key:z6Mk", "name": "I", "description": "D"}, base_url="https://example.org")
    valid_from = datetime.fromisoformat(vc["validFrom"])
    valid_until = datetime.fromisoformat(vc["validUntil"])
    assert vc["validFrom"].endswith("Z") and vc["validUntil"].endswith("T23:59:59Z")
    assert valid_from < valid_until
    assert valid_from == issued_at.astimezone(UTC).replace(microsecond=0)
