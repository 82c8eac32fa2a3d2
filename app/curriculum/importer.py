"""CourseSpec -> database, as an idempotent upsert by slug.

Nothing is ever deleted: an item that left the files is archived and comes back
(unarchived) if it returns. The caller commits, or rolls back for a dry run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.curriculum.spec import CourseSpec
from app.db import utcnow
from app.extensions import db
from app.models import (
    Course,
    DiscussionPrompt,
    Module,
    Question,
    Quiz,
    Rubric,
    RubricCriterion,
    Scenario,
)


@dataclass
class ImportReport:
    course: str
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.archived)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "archived": self.archived}

    def lines(self) -> list[str]:
        out = [f"{self.course} {self.version}: {len(self.added)} added, {len(self.updated)} updated, "
               f"{len(self.archived)} archived, {self.unchanged} unchanged"]
        for verb, items in (("added", self.added), ("updated", self.updated), ("archived", self.archived)):
            out += [f"  {verb}: {item}" for item in items]
        return out


class _Sync:
    def __init__(self, report: ImportReport, now: datetime):
        self.report = report
        self.now = now

    def upsert(self, existing: dict[str, Any], key: str, label: str, factory, values: dict[str, Any]):
        obj = existing.pop(key, None)
        if obj is None:
            obj = factory(**values)
            db.session.add(obj)
            self.report.added.append(label)
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if obj.archived_at is not None:
            obj.archived_at = None
            changed.append("archived_at")
        for k in changed:
            if k != "archived_at":
                setattr(obj, k, values[k])
        if changed:
            self.report.updated.append(f"{label} ({', '.join(sorted(changed))})")
        else:
            self.report.unchanged += 1
        return obj

    def archive_rest(self, leftovers: dict[str, Any], kind: str) -> None:
        for key, obj in leftovers.items():
            if obj.archived_at is None:
                obj.archived_at = self.now
                self.report.archived.append(f"{kind} {key}")


def _by(model, attr: str, **where) -> dict[str, Any]:
    stmt = sa.select(model).filter_by(**where)
    return {getattr(o, attr): o for o in db.session.scalars(stmt)}


def sync_course(spec: CourseSpec, *, now: datetime | None = None) -> ImportReport:
    now = now or utcnow()
    report = ImportReport(spec.slug, spec.version)
    sync = _Sync(report, now)

    courses = _by(Course, "slug", slug=spec.slug)
    course = sync.upsert(courses, spec.slug, f"course {spec.slug}", Course, {
        "slug": spec.slug, "title": spec.title, "version": spec.version,
        "summary": spec.summary, "rules": spec.rules,
    })
    db.session.flush()
    cid = course.id

    _sync_rubric(sync, spec, cid)
    modules = _by(Module, "slug", course_id=cid)
    scenarios = _by(Scenario, "slug", course_id=cid)
    prompts = _by(DiscussionPrompt, "slug", course_id=cid)
    quizzes = _by(Quiz, "slug", course_id=cid)
    for m in spec.modules:
        module = sync.upsert(modules, m.slug, f"module {m.slug}", Module, {
            "course_id": cid, "slug": m.slug, "week": m.week, "title": m.title,
            "summary": m.summary, "objectives": list(m.objectives), "lecture_md": m.lecture_md,
            "lecture_words": m.lecture_words, "live_minutes": m.live_minutes,
            "live_agenda": list(m.live_agenda),
        })
        db.session.flush()
        if m.scenario is not None:
            s = m.scenario
            sync.upsert(scenarios, s.slug, f"scenario {s.slug}", Scenario, {
                "course_id": cid, "module_id": module.id, "slug": s.slug, "title": s.title,
                "assessment": s.assessment, "crisis": s.crisis,
                "duration_minutes": s.duration_minutes, "content": s.content(),
            })
        if m.discussion is not None:
            d = m.discussion
            sync.upsert(prompts, d.slug, f"discussion {d.slug}", DiscussionPrompt, {
                "course_id": cid, "module_id": module.id, "slug": d.slug, "title": d.title,
                "prompt_md": d.prompt,
            })
        if m.quiz is not None:
            _sync_quiz(sync, quizzes, m.quiz, cid, module.id)
    for kind, leftovers in (("module", modules), ("scenario", scenarios),
                            ("discussion", prompts), ("quiz", quizzes)):
        sync.archive_rest(leftovers, kind)

    if report.changed or course.source_digest != spec.digest:
        course.source_digest = spec.digest
        course.imported_at = now
        course.last_import = report.as_dict()
    db.session.flush()
    return report


def _sync_quiz(sync: _Sync, quizzes: dict, q, cid: int, module_id: int) -> None:
    quiz = sync.upsert(quizzes, q.slug, f"quiz {q.slug}", Quiz, {
        "course_id": cid, "module_id": module_id, "slug": q.slug, "title": q.title,
        "pass_percent": q.pass_percent, "max_attempts": q.max_attempts,
    })
    db.session.flush()
    questions = _by(Question, "key", quiz_id=quiz.id)
    for pos, qs in enumerate(q.questions, start=1):
        sync.upsert(questions, qs.key, f"question {q.slug}/{qs.key}", Question, {
            "quiz_id": quiz.id, "key": qs.key, "position": pos, "kind": qs.kind,
            "prompt_md": qs.prompt, "options": [o.__dict__.copy() for o in qs.options],
        })
    sync.archive_rest(questions, f"question {q.slug}/")


def _sync_rubric(sync: _Sync, spec: CourseSpec, cid: int) -> None:
    r = spec.rubric
    rubrics = _by(Rubric, "slug", course_id=cid)
    rubric = sync.upsert(rubrics, r.slug, f"rubric {r.slug}", Rubric, {
        "course_id": cid, "slug": r.slug, "title": r.title, "levels": list(r.levels),
        "pass_rule": r.pass_rule, "calibration": r.calibration,
    })
    sync.archive_rest(rubrics, "rubric")
    db.session.flush()
    criteria = _by(RubricCriterion, "key", rubric_id=rubric.id)
    for pos, c in enumerate(r.criteria, start=1):
        sync.upsert(criteria, c.key, f"criterion {c.key}", RubricCriterion, {
            "rubric_id": rubric.id, "key": c.key, "position": pos, "title": c.title,
            "anchors": list(c.anchors),
        })
    sync.archive_rest(criteria, "criterion")
