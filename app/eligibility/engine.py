"""From one trainee's records and the course rules to a list of requirements.

Pure: no database, no Flask. The dashboard, the instructor's views and (later)
certificate issuance all call `evaluate`, so they can never disagree. The rules
come from the course files (`Course.rules`); nothing about one course is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Complete"}


@dataclass(frozen=True)
class Progress:
    current: float
    target: float
    unit: str

    @property
    def percent(self) -> int:
        return 100 if self.target <= 0 else min(100, round(100 * self.current / self.target))


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    met: bool
    progress: Progress
    missing: str = ""
    week: int | None = None
    #: when the item is due for this trainee (extensions and accommodations included), if it has a due date
    due: datetime | None = None
    #: past its due date and not met
    overdue: bool = False
    #: cannot be met any more without a staff exception (attempts used up, late work that cannot count)
    blocked: bool = False
    #: exceptions granted on this item, in plain words
    exceptions: tuple[str, ...] = ()
    waived: bool = False


@dataclass(frozen=True)
class WeekPlan:
    week: int
    title: str
    quiz_pass_percent: int | None = None  # None: the week has no quiz
    quiz_max_attempts: int = 0
    has_prompt: bool = False  # the week has a discussion prompt


@dataclass(frozen=True)
class CoursePlan:
    weeks: tuple[WeekPlan, ...]
    rules: dict[str, Any]


@dataclass(frozen=True)
class SupervisionEntry:
    """One approved, current supervision session."""

    day: date
    kind: str  # individual, triadic, group, live_observation, recorded_review
    minutes: int
    category: str | None = None  # one of the program's hour categories, where it defines them


@dataclass
class TraineeRecords:
    """Plain facts about one trainee in one cohort (all keyed by week number)."""

    lectures_viewed: set[int] = field(default_factory=set)
    attendance: dict[int, str] = field(default_factory=dict)
    recordings_watched: set[int] = field(default_factory=set)
    quiz_best: dict[int, int] = field(default_factory=dict)
    #: score of the latest submitted attempt, for programs where the latest attempt counts
    quiz_latest: dict[int, int] = field(default_factory=dict)
    quiz_attempts: dict[int, int] = field(default_factory=dict)
    supervision: list[SupervisionEntry] = field(default_factory=list)
    conduct_signed: bool = False
    final_signoff: bool = False
    #: summative role-plays: week -> "pass", "revise" (latest final outcome) or "pending" (being graded)
    roleplay: dict[int, str] = field(default_factory=dict)
    #: words of the longest initial post in the week's prompt thread, posted by the week's end
    discussion_words: dict[int, int] = field(default_factory=dict)
    #: replies to other people's posts in the week's prompt thread, posted by the week's end
    discussion_replies: dict[int, int] = field(default_factory=dict)

    # When the facts happened, for programs with due dates ([deadlines] in course.toml). Where a week has
    # timed facts, the engine derives the counts above from those that count under the late rules.
    now: datetime | None = None
    lecture_read_at: dict[int, datetime] = field(default_factory=dict)
    #: (submitted at, score) of each submitted attempt, oldest first
    quiz_scores: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    #: (posted at, words) of the trainee's own initial posts in the week's prompt thread
    discussion_posts: dict[int, list[tuple[datetime, int]]] = field(default_factory=dict)
    #: when each reply to someone else's post was made
    discussion_reply_times: dict[int, list[datetime]] = field(default_factory=dict)
    #: first submission of the week's assessed role-play
    roleplay_submitted_at: dict[int, datetime] = field(default_factory=dict)

    # Exceptions and accommodations, as records (never edits of the rules).
    #: item key ("week-3-quiz") -> when it is due for this trainee
    due: dict[str, datetime] = field(default_factory=dict)
    late_approved: set[str] = field(default_factory=set)
    waived: set[str] = field(default_factory=set)
    extra_attempts: dict[str, int] = field(default_factory=dict)
    #: weeks whose excused absence was made up by the named alternative: week -> the alternative
    excused_done: dict[int, str] = field(default_factory=dict)
    #: requirement key -> exceptions granted on it, in plain words
    exception_notes: dict[str, list[str]] = field(default_factory=dict)


def _attended_live(status: str | None, rules: dict) -> bool:
    return status == "present" or (status == "late" and rules.get("late_counts_as_present", True))


def _session_counts(week: int, r: TraineeRecords, rules: dict) -> bool:
    status = r.attendance.get(week)
    if _attended_live(status, rules) or week in r.excused_done:
        return True
    return (status == "excused" and rules.get("excused_counts_with_recording", True)
            and week in r.recordings_watched)


def module_requirements(w: WeekPlan, r: TraineeRecords, rules: dict) -> list[Requirement]:
    modules = rules.get("modules", {})
    attendance_rules = rules.get("attendance", {})
    out: list[Requirement] = []
    if modules.get("require_lecture", True):
        met = w.week in r.lectures_viewed or _session_counts(w.week, r, attendance_rules)
        out.append(Requirement(
            key=f"week-{w.week}-lecture", week=w.week, met=met,
            label=f"Week {w.week}: read the lecture or attend the live session",
            progress=Progress(1 if met else 0, 1, "lecture"),
            missing="" if met else f"Read the week {w.week} lecture, “{w.title}”.",
        ))
    if modules.get("require_quiz_pass", True) and w.quiz_pass_percent is not None:
        out.append(quiz_requirement(w, r, rules.get("quizzes", {}).get("counts", "best")))
    if modules.get("require_roleplay") == "summative" and w.week in rules.get("role_play", {}).get("summative_weeks", []):
        out.append(roleplay_requirement(w, r))
    week_rules = week_discussion_rules(w.week, rules)
    if week_rules["required"] and w.has_prompt:
        out.append(discussion_requirement(w, r, week_rules))
    return out


def quiz_requirement(w: WeekPlan, r: TraineeRecords, counts: str) -> Requirement:
    """Pass the week's quiz; the program says whether the best or the latest attempt counts."""
    score = (r.quiz_latest if counts == "latest" else r.quiz_best).get(w.week)
    which = "latest" if counts == "latest" else "best"
    met = score is not None and score >= w.quiz_pass_percent
    used = r.quiz_attempts.get(w.week, 0)
    allowed = w.quiz_max_attempts + r.extra_attempts.get(f"week-{w.week}-quiz", 0)
    left = max(0, allowed - used)
    if met:
        missing = ""
    elif used and not left:
        missing = (f"You have used all {allowed} attempts at the week {w.week} quiz "
                   f"without reaching {w.quiz_pass_percent}%. Ask your instructor what to do next.")
    elif score is not None:
        missing = (f"Pass the week {w.week} quiz: {w.quiz_pass_percent}% needed, your {which} is {score}%; "
                   f"{left} attempt{'s' if left != 1 else ''} left.")
    else:
        missing = f"Take the week {w.week} quiz ({w.quiz_pass_percent}% to pass)."
    label = f"Week {w.week}: pass the quiz ({w.quiz_pass_percent}%"
    label += ", latest attempt counts)" if counts == "latest" else ")"
    return Requirement(key=f"week-{w.week}-quiz", week=w.week, met=met, label=label,
                       progress=Progress(score or 0, w.quiz_pass_percent, "%"), missing=missing)


def week_discussion_rules(week: int, rules: dict) -> dict:
    """The course's discussion rule, with the week's own settings from its module.toml on top."""
    merged = {"required": rules.get("modules", {}).get("require_discussion", False), **rules.get("discussion", {})}
    merged.update(rules.get("week_discussion", {}).get(str(week), {}))
    return merged


def roleplay_requirement(w: WeekPlan, r: TraineeRecords) -> Requirement:
    state = r.roleplay.get(w.week)
    met = state == "pass"
    missing = {
        "pass": "",
        "pending": f"Your week {w.week} role-play is being graded.",
        "revise": f"Revise and resubmit the week {w.week} assessed role-play.",
        "late": f"Your week {w.week} role-play was submitted after its due date.",
    }.get(state, f"Submit the week {w.week} assessed role-play.")
    return Requirement(key=f"week-{w.week}-roleplay", week=w.week, met=met,
                       label=f"Week {w.week}: pass the assessed role-play",
                       progress=Progress(1 if met else 0, 1, "role-play"), missing=missing)


def _discussion_met(week: int, r: TraineeRecords, course_rules: dict) -> bool:
    rules = week_discussion_rules(week, course_rules)
    words = r.discussion_words.get(week)
    return (words is not None and words >= rules.get("initial_post_min_words", 0)
            and r.discussion_replies.get(week, 0) >= rules.get("peer_replies_min", 0))


def discussion_requirement(w: WeekPlan, r: TraineeRecords, rules: dict) -> Requirement:
    """An initial post of N words and M replies to peers in the week's prompt thread, by the week's end."""
    min_words, min_replies = rules.get("initial_post_min_words", 0), rules.get("peer_replies_min", 0)
    words, replies = r.discussion_words.get(w.week), r.discussion_replies.get(w.week, 0)
    posted = words is not None and words >= min_words
    todo: list[str] = []
    if words is None:
        todo.append(f"write an initial post of at least {min_words} words")
    elif not posted:
        todo.append(f"make an initial post of at least {min_words} words (your longest has {words})")
    if replies < min_replies:
        more = min_replies - replies
        todo.append(f"reply to {more} {'more ' if replies else ''}post{'s' if more != 1 else ''} by others")
    met = posted and replies >= min_replies
    return Requirement(
        key=f"week-{w.week}-discussion", week=w.week, met=met,
        label=f"Week {w.week}: take part in the discussion ({min_words}-word post, {min_replies} peer "
              f"repl{'ies' if min_replies != 1 else 'y'}, by the end of the week)",
        progress=Progress(int(posted) + min(replies, min_replies), 1 + min_replies, "posts"),
        missing="" if met else f"In the week {w.week} discussion, " + " and ".join(todo) + ".",
    )


def discussion_requirements(plan: CoursePlan, r: TraineeRecords) -> list[Requirement]:
    """Course-wide: take part in at least `required_prompts` of the weekly prompts."""
    target = plan.rules.get("discussion", {}).get("required_prompts")
    prompts = [w.week for w in plan.weeks if w.has_prompt]
    if not target or not prompts:
        return []
    target = min(target, len(prompts))
    done = sum(1 for week in prompts if _discussion_met(week, r, plan.rules))
    return [Requirement(
        key="discussion-prompts", met=done >= target,
        label=f"Take part in at least {target} of {len(prompts)} weekly discussions",
        progress=Progress(done, target, "discussions"),
        missing="" if done >= target else
        f"Take part in {target - done} more weekly discussion{'s' if target - done != 1 else ''}.",
    )]


def attendance_requirements(plan: CoursePlan, r: TraineeRecords) -> list[Requirement]:
    rules = plan.rules.get("attendance", {})
    out: list[Requirement] = []
    target = rules.get("min_live_sessions")
    if target:
        counted = sum(1 for w in plan.weeks if _session_counts(w.week, r, rules))
        out.append(Requirement(
            key="live-sessions", met=counted >= target,
            label=f"Attend at least {target} of {len(plan.weeks)} live sessions",
            progress=Progress(counted, target, "sessions"),
            missing="" if counted >= target else
            f"Attend {target - counted} more live session{'s' if target - counted != 1 else ''}"
            + (" (an excused absence counts once you watch the recording)."
               if rules.get("excused_counts_with_recording", True) else "."),
        ))
    required = [w for w in rules.get("required_live_weeks", []) if any(p.week == w for p in plan.weeks)]
    if required:
        made_up = rules.get("excused_alternative_for_required_weeks", False)
        done = [w for w in required if _attended_live(r.attendance.get(w), rules) or (made_up and w in r.excused_done)]
        todo = [w for w in required if w not in done]
        out.append(Requirement(
            key="required-live-weeks", met=not todo,
            label=f"Attend the live session{'s' if len(required) != 1 else ''} of week{'s' if len(required) != 1 else ''} "
                  + ", ".join(map(str, required)) + " live"
                  + ("" if rules.get("late_counts_as_present", True) else ", on time"),
            progress=Progress(len(done), len(required), "sessions"),
            missing="" if not todo else
            "Attend the live session of week " + ", ".join(map(str, todo))
            + (" (if you cannot, ask your instructor about an excused absence with an alternative activity)."
               if made_up else " (a recording does not count)."),
        ))
    return out


DEFAULT_INDIVIDUAL_KINDS = ("individual", "triadic")
DEFAULT_OBSERVATION_KINDS = ("live_observation", "recorded_review")


@dataclass(frozen=True)
class CountedEntry:
    entry: SupervisionEntry
    counted: int  # minutes that count
    reason: str = ""  # why fewer minutes count, in plain words


@dataclass(frozen=True)
class SupervisionTally:
    entries: tuple[CountedEntry, ...]
    individual: int
    group: int
    observation: int
    observations: int
    weeks: int
    other: int = 0  # minutes of kinds that count toward the total only
    #: minutes that count, by the program's hour category
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.individual + self.group + self.observation + self.other


def tally_supervision(entries: list[SupervisionEntry], rules: dict) -> SupervisionTally:
    """Apply the counting rules: minimum length, group minimum and cap, kinds, categories, distinct weeks."""
    min_len = rules.get("min_session_minutes", 0)
    group_min = rules.get("group_min_session_minutes", 0)
    cap_hours = rules.get("group_max_hours")
    group_cap = round(cap_hours * 60) if cap_hours is not None else None
    offered = rules.get("session_types")
    individual_kinds = rules.get("individual_types", DEFAULT_INDIVIDUAL_KINDS)
    observation_kinds = rules.get("observation_types", DEFAULT_OBSERVATION_KINDS)
    counted: list[CountedEntry] = []
    group_used = 0
    for e in sorted(entries, key=lambda e: e.day):
        if offered is not None and e.kind not in offered:
            counted.append(CountedEntry(e, 0, "This program does not count this kind of session."))
        elif e.minutes < min_len:
            counted.append(CountedEntry(e, 0, f"Sessions under {min_len} minutes do not count."))
        elif e.kind == "group" and e.minutes < group_min:
            counted.append(CountedEntry(e, 0, f"Group sessions count only from {group_min} minutes."))
        elif e.kind == "group" and group_cap is not None:
            take = max(0, min(e.minutes, group_cap - group_used))
            group_used += take
            reason = "" if take == e.minutes else f"Group hours count up to {_hours(group_cap)} hours in all."
            counted.append(CountedEntry(e, take, reason))
        else:
            counted.append(CountedEntry(e, e.minutes))

    def minutes(kinds) -> int:
        return sum(c.counted for c in counted if c.entry.kind in kinds)

    by_category: dict[str, int] = {}
    for c in counted:
        if c.counted and c.entry.category:
            by_category[c.entry.category] = by_category.get(c.entry.category, 0) + c.counted
    known = set(individual_kinds) | set(observation_kinds) | {"group"}
    return SupervisionTally(
        entries=tuple(counted),
        individual=minutes(individual_kinds),
        group=minutes(("group",)),
        observation=minutes(observation_kinds),
        other=sum(c.counted for c in counted if c.entry.kind not in known),
        observations=sum(1 for c in counted if c.counted and c.entry.kind in observation_kinds),
        weeks=len({c.entry.day.isocalendar()[:2] for c in counted if c.counted}),
        by_category=by_category,
    )


def kinds_phrase(kinds) -> str:
    """'individual or triadic', 'live observation or recorded review': the program's kinds in words."""
    words = [k.replace("_", " ") for k in kinds]
    return " or ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " or " + words[-1]


def _hours(minutes: float) -> str:
    h = minutes / 60
    return f"{h:g}" if h == int(h) else f"{h:.1f}"


def _amount(minutes: float) -> str:
    """'45 minutes', '1 hour', '2.5 hours': what a person would say."""
    if minutes < 60:
        m = max(1, round(minutes))
        return f"{m} minute{'s' if m != 1 else ''}"
    h = _hours(minutes)
    return f"{h} hour{'s' if h != '1' else ''}"


def supervision_requirements(plan: CoursePlan, r: TraineeRecords) -> list[Requirement]:
    rules = plan.rules.get("supervision")
    if not rules:
        return []
    t = tally_supervision(r.supervision, rules)
    out = []

    def hours_req(key: str, label: str, have_min: int, target_h: float, what: str) -> None:
        met = have_min >= target_h * 60
        out.append(Requirement(
            key=key, label=label, met=met, progress=Progress(round(have_min / 60, 2), target_h, "hours"),
            missing="" if met else
            f"Log another {_amount(target_h * 60 - have_min)} of {what}, approved by your supervisor.",
        ))

    if rules.get("total_hours"):
        hours_req("supervision-total", f"{_hours(rules['total_hours'] * 60)} hours of approved supervision",
                  t.total, rules["total_hours"], "supervision")
    if rules.get("individual_hours"):
        kinds = kinds_phrase(rules.get("individual_types", DEFAULT_INDIVIDUAL_KINDS))
        hours_req("supervision-individual",
                  f"{_hours(rules['individual_hours'] * 60)} hours of {kinds} supervision",
                  t.individual, rules["individual_hours"], f"{kinds} supervision")
    for cat in rules.get("categories", []):
        if cat.get("min_hours"):
            hours_req(f"supervision-category-{cat['key']}",
                      f"{_amount(cat['min_hours'] * 60)} of supervision in {cat['label']}",
                      t.by_category.get(cat["key"], 0), cat["min_hours"], f"supervision in {cat['label']}")
    if rules.get("min_observations"):
        n, need = t.observations, rules["min_observations"]
        kinds = kinds_phrase(rules.get("observation_types", DEFAULT_OBSERVATION_KINDS))
        out.append(Requirement(
            key="supervision-observation", met=n >= need,
            label=f"At least {need} supervision session{'s' if need != 1 else ''} by {kinds}",
            progress=Progress(n, need, "sessions"),
            missing="" if n >= need else f"Have {need - n} more supervision session{'s' if need - n != 1 else ''} "
                                         f"by {kinds} approved.",
        ))
    if rules.get("distinct_weeks"):
        n, need = t.weeks, rules["distinct_weeks"]
        out.append(Requirement(
            key="supervision-weeks", met=n >= need, label=f"Supervision in at least {need} different weeks",
            progress=Progress(n, need, "weeks"),
            missing="" if n >= need else
            f"Have supervision in {need - n} more different week{'s' if need - n != 1 else ''}.",
        ))
    return out


def professional_requirements(plan: CoursePlan, r: TraineeRecords, *, others_met: bool) -> list[Requirement]:
    rules = plan.rules.get("certificate", {})
    out = []
    if rules.get("require_code_of_conduct"):
        out.append(Requirement(
            key="code-of-conduct", met=r.conduct_signed, label="Sign the code of conduct and confidentiality attestation",
            progress=Progress(int(r.conduct_signed), 1, "signature"),
            missing="" if r.conduct_signed else "Sign the code of conduct on your certificate page.",
        ))
    if rules.get("require_final_signoff"):
        if r.final_signoff:
            missing = ""
        elif others_met:
            missing = "Everything else is complete: your program director signs off next."
        else:
            missing = "Your program director signs off once everything else is complete."
        out.append(Requirement(
            key="final-signoff", met=r.final_signoff, label="Final sign-off by the program director",
            progress=Progress(int(r.final_signoff), 1, "sign-off"), missing=missing,
        ))
    return out


def evaluate(records: TraineeRecords, plan: CoursePlan) -> list[Requirement]:
    """Every requirement this engine knows, in course order: weeks first, then course-wide."""
    records = counted_records(records, plan.rules)
    out: list[Requirement] = []
    for w in plan.weeks:
        out += module_requirements(w, records, plan.rules)
    out += attendance_requirements(plan, records)
    out += supervision_requirements(plan, records)
    out += discussion_requirements(plan, records)
    out = [annotate(q, records, plan.rules) for q in out]
    out += [annotate(q, records, plan.rules)
            for q in professional_requirements(plan, records, others_met=all(q.met for q in out))]
    return out


# Due dates, late work and exceptions ----------------------------------------------------

def counts_at(kind: str, item: str, at: datetime | None, r: TraineeRecords, rules: dict) -> bool:
    """Whether work done at `at` counts: on time, or late where the program's late rule allows it."""
    due = r.due.get(item)
    if at is None or due is None or at < due:
        return True
    late = ((rules.get("deadlines") or {}).get(kind) or {}).get("late", "counts")
    return late == "counts" or (late == "with_approval" and item in r.late_approved)


def counted_records(r: TraineeRecords, rules: dict) -> TraineeRecords:
    """The records with only the work that counts under the program's late rules, where times are known."""
    if not (r.due and (rules.get("deadlines") or {})):
        return r
    lectures = {w for w in r.lectures_viewed
                if counts_at("lecture", f"week-{w}-lecture", r.lecture_read_at.get(w), r, rules)}
    best, latest = dict(r.quiz_best), dict(r.quiz_latest)
    for week, scores in r.quiz_scores.items():
        ok = [score for at, score in scores if counts_at("quiz", f"week-{week}-quiz", at, r, rules)]
        best.pop(week, None), latest.pop(week, None)
        if ok:
            best[week], latest[week] = max(ok), ok[-1]
    words, replies = dict(r.discussion_words), dict(r.discussion_replies)
    for week in set(r.discussion_posts) | set(r.discussion_reply_times):
        item = f"week-{week}-discussion"
        posts = [n for at, n in r.discussion_posts.get(week, []) if counts_at("discussion", item, at, r, rules)]
        words.pop(week, None)
        if posts:
            words[week] = max(posts)
        replies[week] = sum(1 for at in r.discussion_reply_times.get(week, [])
                            if counts_at("discussion", item, at, r, rules))
    roleplay = dict(r.roleplay)
    for week, at in r.roleplay_submitted_at.items():
        if not counts_at("roleplay", f"week-{week}-roleplay", at, r, rules):
            roleplay[week] = "late"
    return replace(r, lectures_viewed=lectures, quiz_best=best, quiz_latest=latest, discussion_words=words,
                   discussion_replies=replies, roleplay=roleplay)


def _kind_of(key: str) -> str | None:
    return key.rsplit("-", 1)[-1] if key.startswith("week-") else None


def annotate(q: Requirement, r: TraineeRecords, rules: dict) -> Requirement:
    """Due date, overdue, blocked, granted exceptions and waivers on one requirement."""
    notes = tuple(r.exception_notes.get(q.key, ()))
    if q.key in r.waived:
        return replace(q, met=True, missing="", waived=True, exceptions=notes, label=f"{q.label} (waived)")
    due = r.due.get(q.key)
    overdue = bool(due and not q.met and r.now and r.now >= due)
    kind = _kind_of(q.key)
    late = ((rules.get("deadlines") or {}).get(kind) or {}).get("late", "counts") if kind else "counts"
    blocked = not q.met and (
        (overdue and late == "not_counted") or (overdue and late == "with_approval" and q.key not in r.late_approved)
        or "used all" in q.missing)
    missing = q.missing
    if overdue and late == "with_approval" and q.key not in r.late_approved:
        missing += " It is past its due date: late work counts once your instructor approves it."
    elif overdue and late == "not_counted":
        missing += " It is past its due date and late work does not count; the course-wide rules may still allow it."
    return replace(q, due=due, overdue=overdue, blocked=blocked, exceptions=notes, missing=missing)


def at_risk(requirements: list[Requirement]) -> bool:
    """Overdue, or unreachable without an exception: what a partner or instructor should act on."""
    return any(q.overdue or q.blocked for q in requirements if not q.met)


def ready_for_signoff(requirements: list[Requirement]) -> bool:
    """Every requirement but the final sign-off is met."""
    return all(q.met for q in requirements if q.key != "final-signoff")


def eligible(requirements: list[Requirement]) -> bool:
    """A certificate is due: there are requirements, and every one is met."""
    return bool(requirements) and all(q.met for q in requirements)


def module_states(requirements: list[Requirement], plan: CoursePlan, records: TraineeRecords) -> dict[int, str]:
    """Not started, in progress or complete, per week."""
    states = {}
    for w in plan.weeks:
        reqs = [q for q in requirements if q.week == w.week]
        touched = (w.week in records.lectures_viewed or w.week in records.quiz_attempts
                   or w.week in records.attendance or w.week in records.roleplay
                   or w.week in records.discussion_words or w.week in records.discussion_replies)
        if reqs and all(q.met for q in reqs):
            states[w.week] = COMPLETE
        elif touched or any(q.met for q in reqs):
            states[w.week] = IN_PROGRESS
        else:
            states[w.week] = NOT_STARTED
    return states


def overall_percent(requirements: list[Requirement]) -> int:
    if not requirements:
        return 0
    return round(100 * sum(q.met for q in requirements) / len(requirements))
