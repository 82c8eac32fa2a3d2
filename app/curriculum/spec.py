"""The course as plain data: what the loader builds and the importer writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the course files: which file, which field, what."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class CourseInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class OptionSpec:
    key: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    prompt: str
    options: tuple[OptionSpec, ...]


@dataclass(frozen=True)
class QuizSpec:
    slug: str
    title: str
    pass_percent: int
    max_attempts: int
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class RoleSpec:
    key: str
    label: str
    description: str
    #: what only this role reads
    brief: str


@dataclass(frozen=True)
class ScenarioSpec:
    slug: str
    title: str
    assessment: str
    crisis: bool
    duration_minutes: int
    setting: str
    debrief_questions: tuple[str, ...]
    roles: tuple[RoleSpec, ...]
    content_note: str = ""
    alternative: str = ""
    #: rubric criteria that do not fit this scenario: not graded, left out of the pass rule
    not_applicable: tuple[str, ...] = ()
    #: times the live lab plays it, and the lab's minutes (None: not stated)
    turns: int = 1
    lab_minutes: int | None = None

    def content(self) -> dict[str, Any]:
        return {
            "setting": self.setting,
            "debrief_questions": list(self.debrief_questions),
            "roles": [r.__dict__.copy() for r in self.roles],
            "content_note": self.content_note,
            "alternative": self.alternative,
            "not_applicable": list(self.not_applicable),
            "turns": self.turns,
            "lab_minutes": self.lab_minutes,
        }


@dataclass(frozen=True)
class DiscussionSpec:
    slug: str
    title: str
    prompt: str
    #: this week's own discussion rule, where module.toml sets one
    rules: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleSpec:
    week: int
    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    lecture_md: str
    lecture_words: int
    live_minutes: int
    live_agenda: tuple[str, ...]
    #: each is optional: a week may have no discussion prompt, role-play or quiz
    discussion: DiscussionSpec | None
    scenario: ScenarioSpec | None
    quiz: QuizSpec | None


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    title: str
    anchors: tuple[str, ...]


@dataclass(frozen=True)
class RubricSpec:
    slug: str
    title: str
    levels: tuple[dict[str, Any], ...]
    pass_rule: dict[str, Any]
    calibration: dict[str, Any]
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    version: str
    summary: str
    rules: dict[str, Any]
    rubric: RubricSpec
    modules: tuple[ModuleSpec, ...] = field(default_factory=tuple)
    digest: str = ""
