"""Competency frameworks come from the program's files: which framework competencies each rubric
criterion and hour category counts toward, the level that demonstrates a criterion, and the words a
board reads on the transcript and in the credentials."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.certificates import competencies
from app.certificates.transcript import transcript_for
from app.curriculum.loader import CourseInvalid, load_course
from app.models import SessionStatus
from tests import factories
from tests.conftest import COURSE_DIR, set_course_rules
from tests.interop.test_open_badges import issue
from tests.services.test_second_program import PRS_DIR, two_programs  # noqa: F401 - a fixture

CRITERIA = ["Engagement and rapport", "Questions and reflections (OARS)", "Empathy and validation",
            "Collaboration, autonomy and goals", "Role, boundaries and ethics", "Safety and escalation",
            "Cultural humility"]


def test_the_demonstrated_level_comes_from_the_rubric(nearly_complete, db):
    nc = nearly_complete  # every criterion graded 3, the last graded 2
    assert nc["course"].rules["competencies"]["level"] == 3  # the highest level the pass rule names (a gate at 3)
    assert [d.title for d in transcript_for(nc["trainee"], nc["cohort"]).demonstrated] == CRITERIA[:-1]
    set_course_rules(db, nc["course"], "competencies", level=2)
    assert [d.title for d in transcript_for(nc["trainee"], nc["cohort"]).demonstrated] == CRITERIA
    set_course_rules(db, nc["course"], "competencies", level=4)
    assert transcript_for(nc["trainee"], nc["cohort"]).demonstrated == []


def test_a_rubric_may_set_its_demonstrated_level(tmp_path):
    folder = tmp_path / "tm"
    shutil.copytree(COURSE_DIR, folder)
    rubric = folder / "rubric.toml"
    rubric.write_text(rubric.read_text().replace("\n\n[[levels]]", "\ndemonstrated_level = 4\n\n[[levels]]", 1))
    assert load_course(folder).rules["competencies"]["level"] == 4
    rubric.write_text(rubric.read_text().replace("demonstrated_level = 4", "demonstrated_level = 5"))
    with pytest.raises(CourseInvalid, match="demonstrated_level: above 4"):
        load_course(folder)


def test_a_framework_url_is_where_the_credential_points(nearly_complete, app, db):
    nc = nearly_complete
    frameworks = [dict(fw) for fw in nc["course"].rules["frameworks"]]
    frameworks[0]["url"] = "https://example.org/chw-competencies"
    rules = dict(nc["course"].rules)
    rules["frameworks"] = frameworks
    nc["course"].rules = rules
    db.session.commit()
    cert = issue(nc, app, db)
    import jwt

    alignment = jwt.decode(cert.credential_jwt, options={"verify_signature": False})[
        "credentialSubject"]["achievement"]["alignment"]
    assert {a["targetUrl"] for a in alignment if a["targetType"] == "ceasn:Competency"} == {
        "https://example.org/chw-competencies"}
    client = app.test_client()
    from tests.conftest import login

    assert login(client, nc["trainee"]).status_code == 302
    outline = client.get(f"/courses/{nc['course'].slug}").get_data(as_text=True)
    assert 'href="https://example.org/chw-competencies"' in outline and 'id="ma-chw-3"' in outline


def test_hour_categories_print_the_domains_they_count_toward(two_programs, db):  # noqa: F811
    tp = two_programs
    factories.make_supervision(tp["trainee"], tp["supervisor"], status=SessionStatus.APPROVED,
                               cohort_id=tp["prs"].id, category="advocacy", duration_minutes=90)
    db.session.commit()
    t = transcript_for(tp["trainee"], tp["prs"])
    advocacy = next(c for c in t.categories if c.label == "Advocacy")
    assert advocacy.hours == 1.5 and advocacy.min_hours == 4
    assert [str(a) for a in advocacy.aligns] == ["IC&RC PR D1: Advocacy",
                                                 "SAMHSA 11: Promotes leadership and advocacy"]
    assert [s.category for s in t.sessions] == ["Advocacy"]


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("rubric.toml", 'aligns = ["ma-chw:3"]', 'aligns = ["ma-chw:33"]',
     "'ma-chw:33' is not a competency of any \\[\\[frameworks\\]\\]"),
    ("rubric.toml", 'aligns = ["ma-chw:3"]', 'aligns = ["not a ref"]', "aligns"),
    ("course.toml", 'code = "2"', 'code = "1"', "competency codes must be unique"),
    ("course.toml", 'key = "ma-chw"', 'key = "ma chw"', "frameworks"),
])
def test_a_broken_alignment_is_refused_with_where_and_why(tmp_path, file, old, new, message):
    folder = tmp_path / "tm"
    shutil.copytree(COURSE_DIR, folder)
    path = folder / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(CourseInvalid, match=message):
        load_course(folder)


def test_a_category_naming_an_undeclared_competency_is_refused(tmp_path):
    folder = tmp_path / "prs"
    shutil.copytree(PRS_DIR, folder)
    course = folder / "course.toml"
    course.write_text(course.read_text().replace('aligns = ["icrc-pr:D2"]', 'aligns = ["icrc-pr:D9"]', 1))
    with pytest.raises(CourseInvalid, match="supervision.categories mentoring: aligns names 'icrc-pr:D9'"):
        load_course(folder)


def test_every_program_aligns_only_to_what_it_declares():
    for folder in sorted(Path(COURSE_DIR).parent.iterdir()):
        if (folder / "course.toml").exists():
            rules = load_course(folder).rules
            known = competencies.index(rules)
            assert known and competencies.assessed(rules)
            assert all(ref in known for refs in rules["competencies"]["criteria"].values() for ref in refs)
