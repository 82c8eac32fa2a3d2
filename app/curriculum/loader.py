"""Course files -> CourseSpec. Pure: reads files, touches no database.

Each TOML file is checked against its model in `schema.py` (unknown keys are
errors, with the nearest known key suggested); then the program's own content
policy (`[content]` in course.toml) and the cross-file rules are checked. Every
problem found is collected (file, field, message) and raised together as
`CourseInvalid`, so an author fixes a broken course in one pass.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.curriculum import schema
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

MODULE_FILES = ("module.toml", "lecture.md")  # scenario.toml and quiz.toml are optional
_WORD = re.compile(r"[A-Za-z0-9']+")
#: course.toml keys that describe the course rather than its rules (the week count stays in the rules)
_IDENTITY = {"slug", "title", "version", "summary"}


def count_words(markdown_text: str) -> int:
    return len(_WORD.findall(markdown_text))


def load_course(path: str | Path) -> CourseSpec:
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise CourseInvalid([Problem(str(root), "", "is not a course folder")])

    course = _parse(root, "course.toml", schema.CourseFile, problems)
    rubric = _parse(root, "rubric.toml", schema.RubricFile, problems)
    week_dirs = sorted(p for p in (root / "weeks").glob("*") if p.is_dir())
    if not week_dirs:
        problems.append(Problem("weeks/", "", "no week folders found"))
    if course is None:
        raise CourseInvalid(problems)

    conduct = _conduct_text(root, course.certificate, problems)
    modules = [m for d in week_dirs if (m := _read_module(root, d, course, rubric, problems))]
    if len(modules) == len(week_dirs):  # a week that failed to load is reported already
        _check_course_wide(modules, course, problems)
    if rubric is not None:
        _check_alignments(course, rubric, problems)
    if problems or rubric is None:
        raise CourseInvalid(problems)
    return CourseSpec(
        slug=course.slug,
        title=course.title,
        version=course.version,
        summary=course.summary,
        rules=_rules(course, modules, rubric, conduct),
        rubric=_rubric_spec(rubric),
        modules=tuple(sorted(modules, key=lambda m: m.week)),
        digest=_digest(root),
    )


def _parse(root: Path, rel: str, model: type[BaseModel], problems: list[Problem]) -> Any:
    path = root / rel
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(rel, "", "file is missing"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(rel, "", "is not UTF-8 text"))
        return None
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(rel, "", f"is not valid TOML: {exc}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems(rel, model, exc))
        return None


def _problems(rel: str, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after"))]
        where = _dotted(loc)
        if err["type"] == "extra_forbidden":
            known = _known_keys(model, loc[:-1])
            near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else (f"; known keys here: {', '.join(known)}" if known else "")
            out.append(Problem(rel, where, f"is not a known key{hint}"))
        else:
            out.append(Problem(rel, where, _message(err)))
    return out


def _message(err: dict) -> str:
    """A pydantic error in the words a course author would use."""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    messages = {
        "missing": "is required",
        "int_type": f"must be a whole number, not {shown}",
        "float_type": f"must be a number, not {shown}",
        "bool_type": f"must be true or false, not {shown}",
        "string_type": f"must be text, not {shown}",
        "list_type": "must be a list [ ... ]",
        "model_type": "must be a table",
        "dict_type": "must be a table",
        "greater_than_equal": f"must be at least {ctx.get('ge')}, not {shown}",
        "less_than_equal": f"must be at most {ctx.get('le')}, not {shown}",
        "string_pattern_mismatch": f"{shown} is not allowed here (lower-case letters, digits and hyphens "
                                   "for keys and slugs; see courses/README.md)",
        "string_too_short": "must not be empty",
        "too_short": f"must have at least {ctx.get('min_length')} items",
        "too_long": f"must have at most {ctx.get('max_length')} items",
    }
    if kind == "literal_error":
        return f"{shown} is not one of {ctx.get('expected', '').replace(' or ', ', ')}"
    return messages.get(kind, err["msg"].removeprefix("Value error, "))


def _dotted(loc: list) -> str:
    s = ""
    for part in loc:
        s += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


def _known_keys(model: type[BaseModel], path: list) -> list[str]:
    """The keys the schema allows at `path` inside `model`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return sorted(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _read_module(root: Path, d: Path, course: schema.CourseFile, rubric: schema.RubricFile | None,
                 problems: list[Problem]) -> ModuleSpec | None:
    rel = d.relative_to(root).as_posix()
    missing = [f for f in MODULE_FILES if not (d / f).is_file()]
    for f in missing:
        problems.append(Problem(f"{rel}/{f}", "", "file is missing"))
    if missing:
        return None
    mod = _parse(root, f"{rel}/module.toml", schema.ModuleFile, problems)
    has_sc, has_quiz = (d / "scenario.toml").is_file(), (d / "quiz.toml").is_file()
    sc = _parse(root, f"{rel}/scenario.toml", schema.ScenarioFile, problems) if has_sc else None
    quiz = _parse(root, f"{rel}/quiz.toml", schema.QuizFile, problems) if has_quiz else None
    try:
        lecture_md = (d / "lecture.md").read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(f"{rel}/lecture.md", "", "is not UTF-8 text"))
        return None
    words = count_words(lecture_md)
    policy = course.content
    if not lecture_md.lstrip().startswith("# "):
        problems.append(Problem(f"{rel}/lecture.md", "", "must start with a '# Title' heading"))
    if words < policy.min_lecture_words:
        problems.append(Problem(f"{rel}/lecture.md", "",
                                f"has {words} words; this program's [content] min_lecture_words is "
                                f"{policy.min_lecture_words}"))
    if mod is None or (has_sc and sc is None) or (has_quiz and quiz is None):
        return None
    _check_policy(rel, mod, sc, quiz, policy, problems)
    if rubric is not None and sc is not None:
        keys = {c.key for c in rubric.criteria}
        for key in sc.not_applicable:
            if key not in keys:
                problems.append(Problem(f"{rel}/scenario.toml", "not_applicable",
                                        f"{key!r} is not a criterion key of rubric.toml"))
    return ModuleSpec(
        week=mod.week, slug=mod.slug, title=mod.title, summary=mod.summary, objectives=tuple(mod.objectives),
        lecture_md=lecture_md, lecture_words=words,
        live_minutes=mod.live_session.minutes, live_agenda=tuple(mod.live_session.agenda),
        discussion=DiscussionSpec(mod.discussion.slug, mod.discussion.title, mod.discussion.prompt,
                                  rules={k: v for k in ("initial_post_min_words", "peer_replies_min", "required")
                                         if (v := getattr(mod.discussion, k)) is not None})
        if mod.discussion else None,
        scenario=_scenario_spec(sc, course.role_play.roles) if sc else None,
        quiz=_quiz_spec(quiz, course.quizzes) if quiz else None,
    )


def _check_policy(rel: str, mod: schema.ModuleFile, sc: schema.ScenarioFile | None, quiz: schema.QuizFile | None,
                  policy: schema.ContentPolicy, problems: list[Problem]) -> None:
    """The program's own content policy, from course.toml's [content] table."""
    def outside(value: int, rng: schema.Range) -> bool:
        return not rng.min <= value <= rng.max

    if outside(len(mod.objectives), policy.objectives):
        problems.append(Problem(f"{rel}/module.toml", "objectives",
                                f"has {len(mod.objectives)}; [content] objectives allows "
                                f"{policy.objectives.min} to {policy.objectives.max}"))
    if outside(mod.live_session.minutes, policy.live_session_minutes):
        r = policy.live_session_minutes
        problems.append(Problem(f"{rel}/module.toml", "live_session.minutes",
                                f"is {mod.live_session.minutes}; [content] live_session_minutes allows {r.min} to {r.max}"))
    if sc is not None and outside(sc.duration_minutes, policy.scenario_minutes):
        r = policy.scenario_minutes
        problems.append(Problem(f"{rel}/scenario.toml", "duration_minutes",
                                f"is {sc.duration_minutes}; [content] scenario_minutes allows {r.min} to {r.max}"))
    if sc is not None and sc.lab_minutes is not None:
        _check_lab_time(rel, mod, sc, problems)
    elif sc is not None and sc.assessment == "summative":
        problems.append(Problem(f"{rel}/scenario.toml", "lab_minutes",
                                "is required in a summative scenario, so that its rated turns are checked against "
                                "the live session"))
    if quiz is not None and len(quiz.questions) < policy.min_quiz_questions:
        problems.append(Problem(f"{rel}/quiz.toml", "questions",
                                f"has {len(quiz.questions)}; [content] min_quiz_questions is {policy.min_quiz_questions}"))


def _check_lab_time(rel: str, mod: schema.ModuleFile, sc: schema.ScenarioFile, problems: list[Problem]) -> None:
    """The lab's turns fit its minutes, and those minutes are the ones the week's agenda gives it."""
    needed = sc.turns * sc.duration_minutes
    if needed > sc.lab_minutes:
        problems.append(Problem(f"{rel}/scenario.toml", "lab_minutes",
                                f"is {sc.lab_minutes}, but {sc.turns} turns of {sc.duration_minutes} minutes "
                                f"(duration_minutes) need {needed}"))
    if sc.lab_minutes > mod.live_session.minutes:
        problems.append(Problem(f"{rel}/scenario.toml", "lab_minutes",
                                f"is {sc.lab_minutes}, longer than the {mod.live_session.minutes}-minute live session"))
    elif not any(f"({sc.lab_minutes} min" in item for item in mod.live_session.agenda):
        problems.append(Problem(f"{rel}/scenario.toml", "lab_minutes",
                                f"is {sc.lab_minutes}, but no item of module.toml's live_session.agenda reads "
                                f"\"({sc.lab_minutes} min\""))


def _scenario_spec(sc: schema.ScenarioFile, names: schema.RoleNames) -> ScenarioSpec:
    order = {"practitioner": 0, "recipient": 1, "observer": 2}
    roles = tuple(RoleSpec(r.key, r.label or getattr(names, r.key), r.description, r.brief)
                  for r in sorted(sc.roles, key=lambda r: order[r.key]))
    return ScenarioSpec(
        slug=sc.slug, title=sc.title, assessment=sc.assessment, crisis=sc.crisis,
        duration_minutes=sc.duration_minutes, turns=sc.turns, lab_minutes=sc.lab_minutes, setting=sc.setting,
        debrief_questions=tuple(sc.debrief_questions), roles=roles, content_note=sc.content_note,
        alternative=sc.alternative, not_applicable=tuple(sc.not_applicable),
    )


def _quiz_spec(q: schema.QuizFile, defaults: schema.QuizRules) -> QuizSpec:
    questions = tuple(
        QuestionSpec(f"q{i + 1}", qs.kind, qs.prompt,
                     tuple(OptionSpec(f"o{j + 1}", o.text, o.correct, o.feedback) for j, o in enumerate(qs.options)))
        for i, qs in enumerate(q.questions)
    )
    return QuizSpec(
        slug=q.slug, title=q.title,
        pass_percent=q.pass_percent if q.pass_percent is not None else defaults.pass_percent,
        max_attempts=q.max_attempts if q.max_attempts is not None else defaults.max_attempts,
        questions=questions,
    )


def _rubric_spec(r: schema.RubricFile) -> RubricSpec:
    return RubricSpec(
        slug=r.slug, title=r.title,
        levels=tuple({"value": lv.value, "label": lv.label} for lv in r.levels),
        pass_rule=r.pass_rule.model_dump(exclude_none=True),
        calibration=r.calibration.model_dump(exclude_none=True),
        criteria=tuple(CriterionSpec(c.key, c.title, tuple(c.anchors)) for c in r.criteria),
    )


def _check_alignments(course: schema.CourseFile, rubric: schema.RubricFile, problems: list[Problem]) -> None:
    known = {f"{f.key}:{c.code}" for f in course.frameworks for c in f.competencies}
    for c in rubric.criteria:
        for ref in c.aligns:
            if ref not in known:
                problems.append(Problem("rubric.toml", f"criteria {c.key}.aligns",
                                        f"{ref!r} is not a competency of any [[frameworks]] in course.toml"))


def _conduct_text(root: Path, cert: schema.CertificateRules, problems: list[Problem]) -> str:
    """The code of conduct the trainee signs: course.toml's text, or the Markdown file it names."""
    if not cert.code_of_conduct_file:
        return cert.code_of_conduct
    rel = cert.code_of_conduct_file
    try:
        text = (root / rel).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        problems.append(Problem(rel, "", "file is missing (course.toml's certificate.code_of_conduct_file names it)"))
        return ""
    except UnicodeDecodeError:
        problems.append(Problem(rel, "", "is not UTF-8 text"))
        return ""
    if not text:
        problems.append(Problem(rel, "", "is empty; it is the code of conduct the trainee signs"))
    return text


def _rules(course: schema.CourseFile, modules: list[ModuleSpec], rubric: schema.RubricFile,
           conduct: str) -> dict[str, Any]:
    rules = course.model_dump(exclude=_IDENTITY, mode="json")
    rules["certificate"].pop("code_of_conduct_file", None)
    rules["certificate"]["code_of_conduct"] = conduct
    #: what the rubric says about competencies: the level that demonstrates one, and each criterion's
    #: framework competencies (the rubric's own tables live in the rubric rows)
    rules["competencies"] = {"level": rubric.competency_level,
                             "criteria": {c.key: list(c.aligns) for c in rubric.criteria if c.aligns}}
    if not rules["certificate"]["title"]:
        rules["certificate"]["title"] = course.title
    #: per-week discussion rules where a module.toml sets them (keys are week numbers as text: JSON)
    rules["week_discussion"] = {str(m.week): m.discussion.rules for m in modules if m.discussion and m.discussion.rules}
    return rules


def _check_course_wide(modules: list[ModuleSpec], course: schema.CourseFile, problems: list[Problem]) -> None:
    n_weeks = course.weeks
    weeks = sorted(m.week for m in modules)
    if modules and weeks != list(range(1, n_weeks + 1)):
        problems.append(Problem("weeks/", "week", f"weeks must be 1..{n_weeks}, each once; found {weeks}"))
    for kind, get in (
        ("module", lambda m: m.slug),
        ("discussion", lambda m: m.discussion and m.discussion.slug),
        ("scenario", lambda m: m.scenario and m.scenario.slug),
        ("quiz", lambda m: m.quiz and m.quiz.slug),
    ):
        seen: dict[str, int] = {}
        for m in modules:
            slug = get(m)
            if not slug:
                continue
            if slug in seen:
                problems.append(Problem(f"weeks/ (week {m.week})", f"{kind} slug",
                                        f"{slug!r} is also used in week {seen[slug]}"))
            seen[slug] = m.week
    by_week = {m.week: m for m in modules}
    for field, listed in (("role_play.summative_weeks", course.role_play.summative_weeks),
                          ("attendance.required_live_weeks", course.attendance.required_live_weeks),
                          ("wellbeing.history_weeks", course.wellbeing.history_weeks)):
        for week in listed:
            if week > n_weeks:
                problems.append(Problem("course.toml", field, f"week {week} is past the last week ({n_weeks})"))
    for week in course.role_play.summative_weeks:
        m = by_week.get(week)
        if m is not None and m.scenario is None:
            problems.append(Problem(f"weeks/ (week {week})", "scenario.toml",
                                    "course.toml lists this week as summative, so it needs a scenario.toml"))
        elif m is not None and m.scenario.assessment != "summative":
            problems.append(Problem(f"weeks/ (week {week})", "scenario.assessment",
                                    "course.toml lists this week as summative; the scenario says formative"))
    for m in modules:
        if m.scenario and m.scenario.assessment == "summative" and m.week not in course.role_play.summative_weeks:
            problems.append(Problem(f"weeks/ (week {m.week})", "scenario.assessment",
                                    "the scenario is summative; add the week to course.toml's role_play.summative_weeks"))
    sup = course.supervision
    if sup and sup.categories and sum(c.min_hours for c in sup.categories) > sup.total_hours:
        problems.append(Problem("course.toml", "supervision.categories",
                                "the categories' min_hours add up to more than total_hours"))


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".toml", ".md"):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()
