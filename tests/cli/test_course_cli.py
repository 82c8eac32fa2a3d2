"""`flask course validate` and `flask course import` on the shipped course and broken copies."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from app.models import Course, Module, Question
from tests.conftest import COURSE_DIR


def test_shipped_course_validates(runner):
    result = runner.invoke(args=["course", "validate", str(COURSE_DIR)])
    assert result.exit_code == 0, result.output
    assert "OK: Therapeutic Mentoring Certificate" in result.output
    assert "12 weeks" in result.output


@pytest.fixture
def broken(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(COURSE_DIR, copy)
    return copy


def _week(root, n: int):
    return next((root / "weeks").glob(f"{n:02d}-*"))


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _blank(path, key: str) -> None:
    """Empty a multi-line string key."""
    text = path.read_text()
    start = text.index(f'{key} = """')
    end = text.index('"""', start + len(key) + 6) + 3
    path.write_text(text[:start] + f'{key} = ""' + text[end:])


BREAKAGES = {
    "missing lecture file": (lambda r: (_week(r, 3) / "lecture.md").unlink(),
                             "lecture.md: file is missing"),
    "TOML syntax error": (lambda r: _edit(_week(r, 2) / "module.toml", "week = 2", "week = = 2"),
                          "module.toml: is not valid TOML"),
    "short lecture": (lambda r: (_week(r, 4) / "lecture.md").write_text("# Short\n\nToo short."),
                      "lecture.md: has 3 words; this program's [content] min_lecture_words is 700"),
    "week out of range": (lambda r: _edit(_week(r, 5) / "module.toml", "week = 5", "week = 99"),
                          "module.toml: week: must be at most 52, not 99"),
    "duplicate module slug": (
        lambda r: _edit(_week(r, 2) / "module.toml", 'slug = "scope-and-boundaries"',
                        'slug = "what-is-therapeutic-mentoring"'),
        "module slug: 'what-is-therapeutic-mentoring' is also used in week 1"),
    "bad assessment": (lambda r: _edit(_week(r, 1) / "scenario.toml", 'assessment = "formative"',
                                       'assessment = "graded"'),
                       "scenario.toml: assessment: 'graded' is not one of 'formative', 'summative'"),
    "summative week marked formative": (
        lambda r: _edit(_week(r, 6) / "scenario.toml", 'assessment = "summative"', 'assessment = "formative"'),
        "scenario.assessment: course.toml lists this week as summative"),
    "crisis scenario without content note": (
        lambda r: _edit(_week(r, 9) / "scenario.toml", "content_note = ", "content_note_x = "),
        "scenario.toml: content_note_x: is not a known key; did you mean 'content_note'?"),
    "crisis scenario with an empty content note": (
        lambda r: _blank(_week(r, 9) / "scenario.toml", "content_note"),
        "a crisis scenario needs a content_note and an alternative activity"),
    "misspelt certificate key": (lambda r: _edit(r / "course.toml", "valid_years = 2", "valid_yeras = 2"),
                                 "course.toml: certificate.valid_yeras: is not a known key; did you mean 'valid_years'?"),
    "misspelt rubric key": (lambda r: _edit(r / "rubric.toml", "min_mean = 2.75", "min_meen = 2.75"),
                            "rubric.toml: pass_rule.min_meen: is not a known key; did you mean 'min_mean'?"),
    "a key the platform does not enforce": (
        lambda r: _edit(r / "course.toml", "remediation_attempts = 1",
                        "remediation_attempts = 1\nmin_turns_as_observer = 2"),
        "course.toml: role_play.min_turns_as_observer: is not a known key"),
    "quiz rule outside its choices": (lambda r: _edit(r / "course.toml", 'counts = "best"', 'counts = "first"'),
                                      "course.toml: quizzes.counts: 'first' is not one of 'best', 'latest'"),
    "category minimums above the total": (
        lambda r: _edit(r / "course.toml", "escalate_after_days = 14",
                        'escalate_after_days = 14\ncategories = [{ key = "ethics", label = "Ethics", min_hours = 20 }]'),
        "supervision.categories: the categories' min_hours add up to more than total_hours"),
    "not-applicable criterion unknown": (
        lambda r: _edit(_week(r, 2) / "scenario.toml", 'assessment = "formative"',
                        'assessment = "formative"\nnot_applicable = ["no-such-criterion"]'),
        "not_applicable: 'no-such-criterion' is not a criterion key of rubric.toml"),
    "unknown role name": (
        lambda r: _edit(_week(r, 2) / "scenario.toml", 'key = "recipient"', 'key = "mentee"'),
        "02-scope-and-boundaries/scenario.toml: roles[2].key: 'mentee' is not one of 'practitioner', 'recipient', "
        "'observer'"),
    "a role without its brief": (
        lambda r: _edit(_week(r, 2) / "scenario.toml", '\nbrief = """', '\nbriefing = """'),
        "scenario.toml: roles[1].briefing: is not a known key; did you mean 'brief'?"),
    "rated turns that do not fit the lab": (
        lambda r: _edit(_week(r, 6) / "scenario.toml", "duration_minutes = 15", "duration_minutes = 20"),
        "06-trauma-informed-mentoring/scenario.toml: lab_minutes: is 55, but 3 turns of 20 minutes "
        "(duration_minutes) need 60"),
    "more turns in the lab": (
        lambda r: _edit(_week(r, 11) / "scenario.toml", "turns = 3", "turns = 4"),
        "scenario.toml: lab_minutes: is 45, but 4 turns of 15 minutes (duration_minutes) need 60"),
    "lab minutes the agenda does not give": (
        lambda r: _edit(_week(r, 6) / "scenario.toml", "lab_minutes = 55", "lab_minutes = 50"),
        "lab_minutes: is 50, but no item of module.toml's live_session.agenda reads \"(50 min\""),
    "lab longer than the live session": (
        lambda r: _edit(_week(r, 6) / "scenario.toml", "lab_minutes = 55", "lab_minutes = 150"),
        "lab_minutes: is 150, longer than the 120-minute live session"),
    "summative scenario without its lab time": (
        lambda r: _edit(_week(r, 11) / "scenario.toml", "lab_minutes = 45\n", ""),
        "11-sustaining-yourself-and-using-supervision/scenario.toml: lab_minutes: is required in a summative "
        "scenario"),
    "content policy: objectives": (
        lambda r: _edit(r / "course.toml", "objectives = { min = 2, max = 10 }", "objectives = { min = 2, max = 3 }"),
        "objectives: has 6; [content] objectives allows 2 to 3"),
    "content policy: live session length": (
        lambda r: _edit(r / "course.toml", "live_session_minutes = { min = 30, max = 240 }",
                        "live_session_minutes = { min = 30, max = 60 }"),
        "live_session.minutes: is 120; [content] live_session_minutes allows 30 to 60"),
    "content policy: scenario length": (
        lambda r: _edit(r / "course.toml", "scenario_minutes = { min = 5, max = 120 }",
                        "scenario_minutes = { min = 5, max = 10 }"),
        "duration_minutes: is 11; [content] scenario_minutes allows 5 to 10"),
    "content policy: too few questions": (
        lambda r: _edit(r / "course.toml", "min_quiz_questions = 5", "min_quiz_questions = 50"),
        "quiz.toml: questions: has"),
    "rubric anchors missing a level": (
        lambda r: _edit(r / "rubric.toml", '  "Adapts pace and tone to the mentee; notices and repairs ruptures.",\n', ""),
        "rubric.toml: criteria engagement-rapport: needs one anchor per level (4), has 3"),
    "code of conduct file missing": (lambda r: (r / "code-of-conduct.md").unlink(),
                                     "code-of-conduct.md: file is missing"),
    "code of conduct file outside the folder": (
        lambda r: _edit(r / "course.toml", 'code_of_conduct_file = "code-of-conduct.md"',
                        'code_of_conduct_file = "../code-of-conduct.md"'),
        "course.toml: certificate.code_of_conduct_file: '../code-of-conduct.md' is not allowed here"),
    "code of conduct given twice": (
        lambda r: _edit(r / "course.toml", 'code_of_conduct_file = "code-of-conduct.md"',
                        'code_of_conduct_file = "code-of-conduct.md"\ncode_of_conduct = "Be kind."'),
        "give the code of conduct once"),
    "pass mark not a number": (lambda r: _edit(r / "course.toml", "pass_percent = 80", 'pass_percent = "80"'),
                               "course.toml: quizzes.pass_percent: must be a whole number, not '80'"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_copy_fails_with_file_field_and_reason(runner, broken, name):
    breakage, message = BREAKAGES[name]
    breakage(broken)
    result = runner.invoke(args=["course", "validate", str(broken)])
    assert result.exit_code == 1
    assert message in result.output, result.output


def test_quiz_with_two_correct_single_choice_options_fails(runner, broken):
    quiz = _week(broken, 1) / "quiz.toml"
    text = quiz.read_text()
    head, sep, rest = text.partition('kind = "single"')
    assert sep, "week 1 quiz has a single-choice question"
    rest = rest.replace("correct = false", "correct = true", 1)
    quiz.write_text(head + sep + rest)
    result = runner.invoke(args=["course", "validate", str(broken)])
    assert result.exit_code == 1
    assert "needs exactly one correct option, not 2" in result.output


def test_import_writes_the_course_and_a_second_import_changes_nothing(runner, db):
    first = runner.invoke(args=["course", "import", str(COURSE_DIR)])
    assert first.exit_code == 0, first.output
    assert "0 updated, 0 archived" in first.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Module)) == 12
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) >= 60
    second = runner.invoke(args=["course", "import", str(COURSE_DIR)])
    assert "0 added, 0 updated, 0 archived" in second.output


def test_dry_run_writes_nothing(runner, db):
    result = runner.invoke(args=["course", "import", "--dry-run", str(COURSE_DIR)])
    assert result.exit_code == 0
    assert "Dry run: nothing was written." in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_broken_course_imports_nothing(runner, broken, db):
    (_week(broken, 12) / "lecture.md").write_text("# Too short")
    result = runner.invoke(args=["course", "import", str(broken)])
    assert result.exit_code == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_an_import_that_would_strand_trainees_is_refused_unless_forced(runner, broken, course, db):
    from app.models import AuditEvent, LectureView, Role
    from tests import factories

    cohort = factories.make_cohort(course, factories.make_org())
    trainee = factories.make_user(Role.TRAINEE)
    factories.make_enrollment(cohort, trainee)
    week12 = db.session.scalar(sa.select(Module).where(Module.course_id == course.id, Module.week == 12))
    db.session.add(LectureView(cohort_id=cohort.id, module_id=week12.id, user_id=trainee.id))
    db.session.commit()
    shutil.rmtree(_week(broken, 12))
    _edit(broken / "course.toml", "weeks = 12", "weeks = 11")
    refused = runner.invoke(args=["course", "import", str(broken)])
    assert refused.exit_code == 1
    assert "week 12 (closure-and-transitions) leaves the files, but 1 enrolled trainee(s) have records" in refused.output
    assert "Nothing was written" in refused.output
    db.session.expire_all()
    assert db.session.get(Module, week12.id).archived_at is None
    forced = runner.invoke(args=["course", "import", str(broken), "--force"])
    assert forced.exit_code == 0, forced.output
    db.session.expire_all()
    assert db.session.get(Module, week12.id).archived_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course.forced_import"))
    assert "week 12" in event.after["stranded"][0]


def test_renaming_a_category_under_logged_hours_is_refused(runner, tmp_path, db):
    from app.curriculum.importer import sync_course
    from app.curriculum.loader import load_course
    from app.models import Course, Role
    from tests import factories

    prs_dir = COURSE_DIR.parent / "peer-recovery-specialist"
    sync_course(load_course(prs_dir))
    db.session.commit()
    prs = db.session.scalar(sa.select(Course).where(Course.slug == "peer-recovery-specialist"))
    cohort = factories.make_cohort(prs, factories.make_org())
    trainee, supervisor = factories.make_user(Role.TRAINEE), factories.make_user(Role.SUPERVISOR)
    factories.make_enrollment(cohort, trainee)
    factories.make_supervision(trainee, supervisor, category="ethics", cohort_id=cohort.id)
    db.session.commit()
    copy = tmp_path / "prs"
    shutil.copytree(prs_dir, copy)
    _edit(copy / "course.toml", 'key = "ethics"', 'key = "ethical-responsibility"')
    refused = runner.invoke(args=["course", "import", str(copy)])
    assert refused.exit_code == 1
    assert "hour category 'ethics' leaves the files (renamed or removed), but 1 supervision session(s)" in refused.output
