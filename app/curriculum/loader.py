"""Course files -> CourseSpec. Pure: reads files, touches no database.

Every problem found is collected (file, field, message) and raised together as
`CourseInvalid`, so an author fixes a broken course in one pass.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from app.curriculum.reader import Reader
from app.curriculum.spec import (
    CourseInvalid,
    CourseSpec,
    CriterionSpec,
    DiscussionSpec,
    ModuleSpec,
    OptionSpec,
    Problem,
    QuestionSpec,
    QuizSpec,
    RoleSpec,
    RubricSpec,
    ScenarioSpec,
)

MIN_LECTURE_WORDS = 700
MIN_QUESTIONS = 5
QUESTION_KINDS = ("single", "multiple", "true_false")
ROLE_KEYS = ("mentor", "mentee", "observer")
MODULE_FILES = ("module.toml", "lecture.md", "scenario.toml", "quiz.toml")
_WORD = re.compile(r"[A-Za-z0-9']+")


def count_words(markdown_text: str) -> int:
    return len(_WORD.findall(markdown_text))


def load_course(path: str | Path) -> CourseSpec:
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise CourseInvalid([Problem(str(root), "", "is not a course folder")])

    course = _read_toml(root, "course.toml", problems)
    rubric_data = _read_toml(root, "rubric.toml", problems)
    if course is None or rubric_data is None:
        raise CourseInvalid(problems)

    c = Reader(course, "course.toml", problems)
    slug, title, version = c.slug(), c.text("title"), c.text("version")
    summary = c.text("summary")
    n_weeks = c.integer("weeks", lo=1, hi=52)
    rules = _read_rules(c)
    rubric = _read_rubric(Reader(rubric_data, "rubric.toml", problems))
    defaults = rules.get("quizzes", {})

    week_dirs = sorted(p for p in (root / "weeks").glob("*") if p.is_dir())
    if not week_dirs:
        problems.append(Problem("weeks/", "", "no week folders found"))
    modules = [m for d in week_dirs if (m := _read_module(root, d, defaults, problems))]
    _check_course_wide(modules, n_weeks, rules, problems)

    if problems:
        raise CourseInvalid(problems)
    return CourseSpec(
        slug=slug,
        title=title,
        version=version,
        summary=summary,
        rules=rules,
        rubric=rubric,
        modules=tuple(sorted(modules, key=lambda m: m.week)),
        digest=_digest(root),
    )


def _read_toml(root: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    path = root / rel
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(rel, "", "file is missing"))
    except UnicodeDecodeError:
        problems.append(Problem(rel, "", "is not UTF-8 text"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(rel, "", f"is not valid TOML: {exc}"))
    return None


def _read_rules(c: Reader) -> dict[str, Any]:
    quizzes = c.table("quizzes")
    quizzes.integer("pass_percent", lo=1, hi=100)
    quizzes.integer("max_attempts", lo=1, hi=20)
    sup = c.table("supervision")
    for key in ("min_session_minutes", "total_hours", "individual_hours", "group_max_hours",
                "group_min_session_minutes", "min_observations", "distinct_weeks"):
        sup.integer(key, lo=0, hi=10_000)
    disc = c.table("discussion")
    for key in ("initial_post_min_words", "peer_replies_min", "required_prompts"):
        disc.integer(key, lo=0, hi=10_000)
    cert = c.table("certificate")
    cert.text("serial_prefix")
    cert.integer("valid_years", lo=1, hi=50)
    c.table("modules")
    c.table("attendance")
    c.table("role_play")
    reserved = {"slug", "title", "version", "summary", "weeks"}
    return {k: v for k, v in c.data.items() if k not in reserved}


def _read_rubric(r: Reader) -> RubricSpec:
    slug, title = r.slug(), r.text("title")
    levels = []
    for lv in r.tables("levels", min_items=2):
        levels.append({"value": lv.integer("value", lo=1, hi=10), "label": lv.text("label")})
    if [lv["value"] for lv in levels] != list(range(1, len(levels) + 1)):
        r.problem("levels", "values must run 1, 2, 3... in order")
    criteria = []
    for cr in r.tables("criteria", min_items=1):
        key, ctitle = cr.slug("key"), cr.text("title")
        anchors = cr.text_list("anchors", min_items=len(levels), max_items=len(levels))
        criteria.append(CriterionSpec(key=key, title=ctitle, anchors=anchors))
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        r.problem("criteria", "criterion keys must be unique")
    pass_rule = r.table("pass_rule")
    pass_rule.integer("min_level", lo=1, hi=len(levels) or 1)
    mean = pass_rule.data.get("min_mean")
    if not isinstance(mean, int | float) or isinstance(mean, bool):
        pass_rule.problem("min_mean", "must be a number")
    for i, gate in enumerate(pass_rule.data.get("gates", [])):
        if not isinstance(gate, dict) or gate.get("criterion") not in keys:
            pass_rule.problem(f"gates[{i + 1}].criterion", "must name a criterion key of this rubric")
    calibration = r.data.get("calibration", {})
    return RubricSpec(slug, title, tuple(levels), pass_rule.data, calibration, tuple(criteria))


def _read_module(root: Path, d: Path, quiz_defaults: dict, problems: list[Problem]) -> ModuleSpec | None:
    rel = d.relative_to(root).as_posix()
    missing = [f for f in MODULE_FILES if not (d / f).is_file()]
    for f in missing:
        problems.append(Problem(f"{rel}/{f}", "", "file is missing"))
    if missing:
        return None
    mod_data = _read_toml(root, f"{rel}/module.toml", problems)
    sc_data = _read_toml(root, f"{rel}/scenario.toml", problems)
    quiz_data = _read_toml(root, f"{rel}/quiz.toml", problems)
    if mod_data is None or sc_data is None or quiz_data is None:
        return None

    m = Reader(mod_data, f"{rel}/module.toml", problems)
    live = m.table("live_session")
    disc = m.table("discussion")
    lecture_md = (d / "lecture.md").read_text(encoding="utf-8")
    words = count_words(lecture_md)
    if not lecture_md.lstrip().startswith("# "):
        problems.append(Problem(f"{rel}/lecture.md", "", "must start with a '# Title' heading"))
    if words < MIN_LECTURE_WORDS:
        problems.append(Problem(f"{rel}/lecture.md", "", f"has {words} words; at least {MIN_LECTURE_WORDS} are required"))

    return ModuleSpec(
        week=m.integer("week", lo=1, hi=52),
        slug=m.slug(),
        title=m.text("title"),
        summary=m.text("summary"),
        objectives=m.text_list("objectives", min_items=2, max_items=10),
        lecture_md=lecture_md,
        lecture_words=words,
        live_minutes=live.integer("minutes", lo=30, hi=240),
        live_agenda=live.text_list("agenda"),
        discussion=DiscussionSpec(disc.slug(), disc.text("title"), disc.text("prompt")),
        scenario=_read_scenario(Reader(sc_data, f"{rel}/scenario.toml", problems)),
        quiz=_read_quiz(Reader(quiz_data, f"{rel}/quiz.toml", problems), quiz_defaults),
    )


def _read_scenario(s: Reader) -> ScenarioSpec:
    roles = tuple(
        RoleSpec(r.choice("key", ROLE_KEYS), r.text("label"), r.text("description"))
        for r in s.tables("roles", min_items=3)
    )
    if sorted(r.key for r in roles) != sorted(ROLE_KEYS):
        s.problem("roles", "must be exactly mentor, mentee and observer")
    crisis = s.boolean("crisis", default=False)
    spec = ScenarioSpec(
        slug=s.slug(),
        title=s.text("title"),
        assessment=s.choice("assessment", ("formative", "summative")),
        crisis=crisis,
        duration_minutes=s.integer("duration_minutes", lo=5, hi=120),
        setting=s.text("setting"),
        mentee_brief=s.text("mentee_brief"),
        mentor_task=s.text("mentor_task"),
        observer_focus=s.text("observer_focus"),
        debrief_questions=s.text_list("debrief_questions", min_items=2),
        roles=roles,
        content_note=s.text("content_note", required=crisis),
        alternative=s.text("alternative", required=crisis),
    )
    return spec


def _read_quiz(q: Reader, defaults: dict) -> QuizSpec:
    questions = []
    for i, qr in enumerate(q.tables("questions", min_items=MIN_QUESTIONS)):
        kind = qr.choice("kind", QUESTION_KINDS)
        options = tuple(
            OptionSpec(f"o{j + 1}", o.text("text"), o.boolean("correct"), o.text("feedback"))
            for j, o in enumerate(qr.tables("options", min_items=2))
        )
        n_correct = sum(o.correct for o in options)
        if kind in ("single", "true_false") and n_correct != 1:
            qr.problem("options", f"a {kind} question needs exactly one correct option, not {n_correct}")
        if kind == "multiple" and n_correct < 1:
            qr.problem("options", "a multiple-choice question needs at least one correct option")
        if kind == "true_false" and sorted(o.text for o in options) != ["False", "True"]:
            qr.problem("options", 'a true_false question has exactly the options "True" and "False"')
        questions.append(QuestionSpec(f"q{i + 1}", kind, qr.text("prompt"), options))
    return QuizSpec(
        slug=q.slug(),
        title=q.text("title"),
        pass_percent=q.integer("pass_percent", lo=1, hi=100, default=defaults.get("pass_percent", 80)),
        max_attempts=q.integer("max_attempts", lo=1, hi=20, default=defaults.get("max_attempts", 3)),
        questions=tuple(questions),
    )


def _check_course_wide(modules: list[ModuleSpec], n_weeks: int, rules: dict, problems: list[Problem]) -> None:
    weeks = sorted(m.week for m in modules)
    if modules and weeks != list(range(1, n_weeks + 1)):
        problems.append(Problem("weeks/", "week", f"weeks must be 1..{n_weeks}, each once; found {weeks}"))
    for kind, get in (
        ("module", lambda m: m.slug),
        ("discussion", lambda m: m.discussion.slug),
        ("scenario", lambda m: m.scenario.slug),
        ("quiz", lambda m: m.quiz.slug),
    ):
        seen: dict[str, int] = {}
        for m in modules:
            slug = get(m)
            if slug in seen:
                problems.append(Problem(f"weeks/ (week {m.week})", f"{kind} slug",
                                        f"{slug!r} is also used in week {seen[slug]}"))
            seen[slug] = m.week
    by_week = {m.week: m for m in modules}
    for week in rules.get("role_play", {}).get("summative_weeks", []):
        m = by_week.get(week)
        if m is not None and m.scenario.assessment != "summative":
            problems.append(Problem(f"weeks/ (week {week})", "scenario.assessment",
                                    "course.toml lists this week as summative; the scenario says formative"))


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".toml", ".md"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()
