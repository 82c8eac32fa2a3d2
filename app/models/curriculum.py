"""The imported curriculum: course, weekly modules and their activities, rubric.

Rows are written only by `app.curriculum.importer`. Items removed from the
files are archived (`archived_at` set), never deleted, so learner records that
point at them survive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class ArchivableMixin:
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Course(ArchivableMixin, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: the rule tables of course.toml (quizzes, modules, attendance, ...) with every default filled in,
    #: and its week count, as checked by app/curriculum/schema.py
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    source_digest: Mapped[str] = mapped_column(sa.String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: what the last import changed: {"added": [...], "updated": [...], "archived": [...]}
    last_import: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.week"
    )

    @property
    def week_count(self) -> int:
        """How many weeks the program runs, from its course.toml."""
        return int((self.rules or {}).get("weeks") or 0)

    def __repr__(self) -> str:
        return f"<Course {self.slug} {self.version}>"


class Module(ArchivableMixin, db.Model):
    __tablename__ = "modules"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    week: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    lecture_md: Mapped[str] = mapped_column(sa.Text, default="")
    lecture_words: Mapped[int] = mapped_column(default=0)
    live_minutes: Mapped[int] = mapped_column(default=0)
    live_agenda: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    course: Mapped[Course] = relationship(back_populates="modules")
    scenarios: Mapped[list[Scenario]] = relationship(back_populates="module")
    discussion_prompts: Mapped[list[DiscussionPrompt]] = relationship(back_populates="module")
    quizzes: Mapped[list[Quiz]] = relationship(back_populates="module")

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.lecture_words / 200))

    def __repr__(self) -> str:
        return f"<Module week {self.week} {self.slug}>"


class Scenario(ArchivableMixin, db.Model):
    """A role-play scenario. Its texts live in `content` (setting, briefs, roles...)."""

    __tablename__ = "scenarios"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    assessment: Mapped[str] = mapped_column(sa.String(20))
    crisis: Mapped[bool] = mapped_column(default=False)
    duration_minutes: Mapped[int] = mapped_column(default=15)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    module: Mapped[Module] = relationship(back_populates="scenarios")

    @property
    def is_summative(self) -> bool:
        return self.assessment == "summative"

    def __repr__(self) -> str:
        return f"<Scenario {self.slug}>"


class DiscussionPrompt(ArchivableMixin, db.Model):
    __tablename__ = "discussion_prompts"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    prompt_md: Mapped[str] = mapped_column(sa.Text)

    module: Mapped[Module] = relationship(back_populates="discussion_prompts")

    def __repr__(self) -> str:
        return f"<DiscussionPrompt {self.slug}>"


class Quiz(ArchivableMixin, db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    pass_percent: Mapped[int]
    max_attempts: Mapped[int]

    module: Mapped[Module] = relationship(back_populates="quizzes")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position"
    )

    def __repr__(self) -> str:
        return f"<Quiz {self.slug}>"


class Question(ArchivableMixin, db.Model):
    """A quiz question. `options` holds [{key, text, correct, feedback}, ...]."""

    __tablename__ = "questions"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    prompt_md: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<Question {self.quiz_id}/{self.key}>"


class Rubric(ArchivableMixin, db.Model):
    __tablename__ = "rubrics"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    levels: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    pass_rule: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    calibration: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="rubric", order_by="RubricCriterion.position"
    )

    def __repr__(self) -> str:
        return f"<Rubric {self.slug}>"


class RubricCriterion(ArchivableMixin, db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (sa.UniqueConstraint("rubric_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubrics.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    #: anchor text per level, index 0 = level 1
    anchors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    def __repr__(self) -> str:
        return f"<RubricCriterion {self.key}>"
