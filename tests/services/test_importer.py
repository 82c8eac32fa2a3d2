"""The importer upserts by slug, archives what left the files, and never deletes."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from app.curriculum.importer import sync_course
from app.curriculum.loader import load_course
from app.models import Cohort, Course, Module, Question, Quiz, Role, Scenario
from tests import factories
from tests.conftest import COURSE_DIR


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "course"
    shutil.copytree(COURSE_DIR, target)
    return target


def _import(path):
    from app.extensions import db

    report = sync_course(load_course(path))
    db.session.commit()
    return report


def test_changed_title_is_an_update_not_a_new_module(db, copy):
    _import(copy)
    week1 = next((copy / "weeks").glob("01-*")) / "module.toml"
    week1.write_text(week1.read_text().replace('title = "', 'title = "Revised: ', 1))
    report = _import(copy)
    assert report.added == []
    assert [u for u in report.updated if u.startswith("module what-is-therapeutic-mentoring")]
    titles = db.session.scalars(sa.select(Module.title).where(Module.week == 1)).all()
    assert len(titles) == 1 and titles[0].startswith("Revised: ")


def test_removed_week_is_archived_and_learner_data_survives(db, copy):
    _import(copy)
    course = db.session.scalar(sa.select(Course))
    trainee = factories.make_user(Role.TRAINEE)
    cohort = factories.make_cohort(course)
    factories.make_enrollment(cohort, trainee)
    db.session.commit()
    removed = next((copy / "weeks").glob("12-*"))
    shutil.rmtree(removed)
    (copy / "course.toml").write_text((copy / "course.toml").read_text().replace("weeks = 12", "weeks = 11"))
    report = _import(copy)
    assert "module closure-and-transitions" in report.archived
    module = db.session.scalar(sa.select(Module).where(Module.week == 12))
    assert module is not None and module.archived_at is not None
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.module_id == module.id))
    assert quiz.archived_at is not None and quiz.questions  # questions kept
    assert db.session.get(Cohort, cohort.id) is not None
    # it comes back when the files bring it back
    shutil.copytree(COURSE_DIR / "weeks" / removed.name, removed)
    (copy / "course.toml").write_text((copy / "course.toml").read_text().replace("weeks = 11", "weeks = 12"))
    report = _import(copy)
    db.session.refresh(module)
    assert module.archived_at is None


def test_removed_question_is_archived_not_deleted(db, copy):
    _import(copy)
    quiz_file = next((copy / "weeks").glob("01-*")) / "quiz.toml"
    text = quiz_file.read_text()
    last = text.rindex("[[questions]]")
    quiz_file.write_text(text[:last])
    _import(copy)
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    archived = db.session.scalars(sa.select(Question).where(Question.quiz_id == quiz.id,
                                                            Question.archived_at.is_not(None))).all()
    assert len(archived) == 1


def test_import_records_what_changed_on_the_course(db, copy):
    _import(copy)
    course = db.session.scalar(sa.select(Course))
    assert len(course.last_import["added"]) > 100
    scenario = next((copy / "weeks").glob("06-*")) / "scenario.toml"
    scenario.write_text(scenario.read_text().replace("duration_minutes = 15", "duration_minutes = 14", 1))
    _import(copy)
    db.session.refresh(course)
    assert course.last_import["added"] == []
    assert course.last_import["updated"] == ["scenario shutdown-after-shouting (duration_minutes)"]


def test_summative_and_crisis_flags_come_from_the_files(course, db):
    summative = db.session.scalars(sa.select(Scenario).where(Scenario.assessment == "summative")).all()
    assert sorted(s.module.week for s in summative) == [6, 11]
    crisis = db.session.scalars(sa.select(Scenario).where(Scenario.crisis.is_(True))).all()
    assert sorted(s.module.week for s in crisis) == [9, 11]
    assert all(s.content["content_note"] and s.content["alternative"] for s in crisis)
