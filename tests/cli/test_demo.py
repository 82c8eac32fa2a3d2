from __future__ import annotations

import sqlalchemy as sa

from app.models import Cohort, Role, User
from app.pacing import cohort_today
from tests.conftest import login


def test_demo_needs_the_course_first(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "flask course import" in result.output


def test_demo_prints_a_working_login_for_every_role(runner, course, app, db):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if "@example.org" in line]
    roles = {r.label for r in Role}
    printed = {" ".join(parts[:-2]) for parts in lines}
    assert roles <= printed
    for parts in lines[:5]:
        email, password = parts[-2], parts[-1]
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert login(app.test_client(), user, password).status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name.like("Riverbend%")))
    assert (cohort_today(cohort.timezone) - cohort.start_date).days == 21
    # running it again keeps one of everything
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == len(lines)
