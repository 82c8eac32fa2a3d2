"""The course-file schema: every file, table and key a program may use.

Each model forbids unknown keys, so a misspelt key is an error rather than a rule
silently ignored. `courses/README.md` documents every key here; a test checks
that the two agree and that every key is enforced somewhere.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
Count = Annotated[int, Field(ge=0, le=10_000)]
Hours = Annotated[int | float, Field(ge=0, le=10_000)]
Week = Annotated[int, Field(ge=1, le=52)]

#: the structural kinds of supervision session the platform knows how to record
SUPERVISION_KINDS = ("individual", "triadic", "group", "live_observation", "recorded_review")
SupervisionKind = Literal["individual", "triadic", "group", "live_observation", "recorded_review"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Range(Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError("min must not be greater than max")
        return self


# course.toml -------------------------------------------------------------------

class ContactHours(Strict):
    lecture: Hours = 0
    role_play: Hours = 0
    discussion: Hours = 0


class ContentPolicy(Strict):
    min_lecture_words: Count = 0
    min_quiz_questions: int = Field(default=1, ge=1, le=200)
    objectives: Range = Range(min=1, max=20)
    live_session_minutes: Range = Range(min=15, max=480)
    scenario_minutes: Range = Range(min=1, max=240)


class QuizRules(Strict):
    pass_percent: int = Field(default=80, ge=1, le=100)
    max_attempts: int = Field(default=3, ge=1, le=20)
    counts: Literal["best", "latest"] = "best"
    #: when a trainee sees the correct answers and feedback of an attempt
    reveal_answers: Literal["always", "after_pass", "after_last_attempt", "after_pass_or_last_attempt"] = \
        "after_pass_or_last_attempt"
    #: minutes an attempt may take (an accommodation multiplies it); absent: untimed
    time_limit_minutes: int | None = Field(default=None, ge=1, le=600)


LatePolicy = Literal["counts", "with_approval", "not_counted"]


class Deadline(Strict):
    #: due this many days after the week opens, at the end of that day in the cohort's time zone
    due_days: int = Field(ge=0, le=365)
    #: what happens to work done after the due date
    late: LatePolicy = "counts"


class Deadlines(Strict):
    lecture: Deadline | None = None
    quiz: Deadline | None = None
    discussion: Deadline | None = None
    roleplay: Deadline | None = None


class ModuleRules(Strict):
    require_lecture: bool = True
    require_quiz_pass: bool = True
    require_discussion: bool = False
    require_roleplay: Literal["summative", "none"] = "summative"


class AttendanceRules(Strict):
    min_live_sessions: Count = 0
    required_live_weeks: list[Week] = []
    late_counts_as_present: bool = True
    excused_counts_with_recording: bool = True
    #: an excused absence from a required live week counts once staff record the named alternative done
    excused_alternative_for_required_weeks: bool = False


class DiscussionRules(Strict):
    initial_post_min_words: Count = 0
    peer_replies_min: Count = 0
    required_prompts: Count = 0


class RoleNames(Strict):
    practitioner: Text = "Practitioner"
    recipient: Text = "Recipient"
    observer: Text = "Observer"


class RolePlayRules(Strict):
    summative_weeks: list[Week] = []
    remediation_attempts: Count = 0
    remediation_window_days: int | None = Field(default=None, ge=1, le=365)
    double_mark_share: float = Field(default=0.0, ge=0, le=1)
    borderline_mean: Annotated[list[float], Field(min_length=2, max_length=2)] | None = None
    moderation_gap: int = Field(default=2, ge=1, le=10)
    roles: RoleNames = RoleNames()


#: "framework-key:code", naming one competency of a framework declared in course.toml's [[frameworks]]
CompetencyRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*:[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


class HourCategory(Strict):
    key: Slug
    label: Text
    min_hours: Hours = 0
    #: the framework competencies hours in this category count toward, printed on the transcript
    aligns: list[CompetencyRef] = []


class SupervisionRules(Strict):
    session_types: list[SupervisionKind] = list(SUPERVISION_KINDS)
    individual_types: list[SupervisionKind] = ["individual", "triadic"]
    observation_types: list[SupervisionKind] = ["live_observation", "recorded_review"]
    min_session_minutes: Count = 0
    max_session_minutes: int = Field(default=480, ge=1, le=1440)
    total_hours: Hours = 0
    individual_hours: Hours = 0
    group_max_hours: Hours | None = None
    group_min_session_minutes: Count = 0
    group_max_size: int | None = Field(default=None, ge=2, le=200)
    min_observations: Count = 0
    distinct_weeks: Count = 0
    submit_within_days: int | None = Field(default=None, ge=1, le=365)
    remind_after_days: int = Field(default=7, ge=1, le=365)
    escalate_after_days: int = Field(default=14, ge=1, le=365)
    count_sessions_from_other_programs: bool = False
    categories: list[HourCategory] = []

    @model_validator(mode="before")
    @classmethod
    def _defaults_follow_offer(cls, data):
        """Unset individual/observation kinds default to those of the defaults that the program offers."""
        if isinstance(data, dict) and isinstance(data.get("session_types"), list):
            offered = data["session_types"]
            data = dict(data)
            data.setdefault("individual_types", [k for k in ("individual", "triadic") if k in offered])
            data.setdefault("observation_types", [k for k in ("live_observation", "recorded_review") if k in offered])
        return data

    @model_validator(mode="after")
    def _consistent(self):
        offered = set(self.session_types)
        for name in ("individual_types", "observation_types"):
            extra = [k for k in getattr(self, name) if k not in offered]
            if extra:
                raise ValueError(f"{name} names {', '.join(extra)}, which session_types does not offer")
        if "group" in self.individual_types or "group" in self.observation_types:
            raise ValueError("group sessions count as group hours, not as individual or observation")
        keys = [c.key for c in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError("category keys must be unique")
        if self.escalate_after_days < self.remind_after_days:
            raise ValueError("escalate_after_days must not be before remind_after_days")
        return self


class WellbeingRules(Strict):
    """Looking after the people being trained (app/wellbeing). The check-in's questions are fixed in code: it is a
    plain check-in that claims no clinical validity (docs/wellbeing.md says why)."""

    #: a private check-in the trainee may answer once each week of the cohort, or none
    checkin: Literal["weekly", "off"] = "off"
    #: hours a same-day "I need to talk to someone" request may wait unacknowledged before it goes to the
    #: program director
    escalate_after_hours: int = Field(default=4, ge=1, le=24)
    #: weeks whose page shows each trainee the way to their own check-in history (e.g. the week on burnout);
    #: needs the check-in switched on
    history_weeks: list[Week] = []
    #: peer-support circles: "off", set up by the cohort's instructors ("instructor"), or formed and joined by
    #: the trainees themselves ("self")
    circles: Literal["off", "instructor", "self"] = "off"
    #: the most members a circle may have
    circle_size: int = Field(default=6, ge=2, le=12)

    @model_validator(mode="after")
    def _history_needs_checkins(self) -> WellbeingRules:
        if self.history_weeks and self.checkin == "off":
            raise ValueError("history_weeks links to check-ins, so checkin must not be \"off\"")
        return self


AchievementType = Literal["CertificateOfCompletion", "Certificate", "Certification", "Course", "MicroCredential"]


class CertificateRules(Strict):
    title: OptionalText = ""
    achievement_type: AchievementType = "CertificateOfCompletion"
    criteria: OptionalText = ""
    code_of_conduct: OptionalText = ""
    #: a Markdown file in the program's folder holding the code of conduct (the loader reads it into
    #: code_of_conduct), so the text the trainee signs is a course file of its own
    code_of_conduct_file: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*\.md$")] | None = None
    disclaimer: OptionalText = ""
    serial_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,8}$")] = "CERT"
    valid_years: int = Field(default=2, ge=1, le=50)
    require_final_signoff: bool = False
    require_code_of_conduct: bool = False
    signatories: list[Text] = []

    @model_validator(mode="after")
    def _conduct_text(self):
        if self.code_of_conduct and self.code_of_conduct_file:
            raise ValueError("give the code of conduct once: code_of_conduct or code_of_conduct_file, not both")
        if self.require_code_of_conduct and not (self.code_of_conduct or self.code_of_conduct_file):
            raise ValueError("require_code_of_conduct needs the code_of_conduct text (or code_of_conduct_file) "
                             "the trainee signs")
        return self


class Competency(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    name: Text


class Framework(Strict):
    """A competency framework a board or employer knows (SAMHSA's peer core competencies, IC&RC's
    domains...): rubric criteria and hour categories name its competencies, and credentials and
    transcripts print them in the framework's own words."""

    key: Slug
    name: Text
    #: how transcripts print the framework beside each competency; absent: the name
    short_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=300)] | None = None
    competencies: list[Competency] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_codes(self):
        codes = [c.code for c in self.competencies]
        if len(set(codes)) != len(codes):
            raise ValueError("competency codes must be unique within a framework")
        return self


class CourseFile(Strict):
    slug: Slug
    title: Text
    version: Text
    weeks: Week
    summary: Text
    contact_hours: ContactHours = ContactHours()
    content: ContentPolicy = ContentPolicy()
    quizzes: QuizRules = QuizRules()
    modules: ModuleRules = ModuleRules()
    attendance: AttendanceRules = AttendanceRules()
    deadlines: Deadlines = Deadlines()
    discussion: DiscussionRules = DiscussionRules()
    role_play: RolePlayRules = RolePlayRules()
    supervision: SupervisionRules | None = None
    wellbeing: WellbeingRules = WellbeingRules()
    certificate: CertificateRules = CertificateRules()
    frameworks: list[Framework] = []

    @model_validator(mode="after")
    def _frameworks(self):
        keys = [f.key for f in self.frameworks]
        if len(set(keys)) != len(keys):
            raise ValueError("frameworks: keys must be unique")
        known = {f"{f.key}:{c.code}" for f in self.frameworks for c in f.competencies}
        for cat in (self.supervision.categories if self.supervision else []):
            for ref in cat.aligns:
                if ref not in known:
                    raise ValueError(f"supervision.categories {cat.key}: aligns names {ref!r}, which no "
                                     "[[frameworks]] competency declares")
        return self


# rubric.toml -------------------------------------------------------------------

class Level(Strict):
    value: int = Field(ge=1, le=10)
    label: Text


class Gate(Strict):
    criterion: Slug
    min_level: int = Field(ge=1, le=10)
    crisis_only: bool = False


class AtLevel(Strict):
    count: int = Field(ge=1, le=100)
    level: int = Field(ge=1, le=10)


class PassRule(Strict):
    min_level: int | None = Field(default=None, ge=1, le=10)
    min_mean: float | None = Field(default=None, ge=0, le=10)
    min_criteria_at_level: AtLevel | None = None
    gates: list[Gate] = []


class Calibration(Strict):
    min_exact_or_adjacent: float | None = Field(default=None, ge=0, le=1)
    min_weighted_kappa: float | None = Field(default=None, ge=-1, le=1)
    #: exemplars a grader must have graded, at the thresholds above, before grading summatives
    required_exemplars: int | None = Field(default=None, ge=1, le=50)


class Criterion(Strict):
    key: Slug
    title: Text
    anchors: list[Text]
    #: the framework competencies (declared in course.toml) this criterion assesses
    aligns: list[CompetencyRef] = []


class RubricFile(Strict):
    slug: Slug
    title: Text
    levels: list[Level] = Field(min_length=2, max_length=10)
    pass_rule: PassRule = PassRule()
    calibration: Calibration = Calibration()
    #: the level at which a criterion counts as a competency demonstrated (transcript, learner record);
    #: absent: the highest level the pass rule names, or the second level when it names none
    demonstrated_level: int | None = Field(default=None, ge=1, le=10)
    criteria: list[Criterion] = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _consistent(self):
        n = len(self.levels)
        if [lv.value for lv in self.levels] != list(range(1, n + 1)):
            raise ValueError("levels: values must run 1, 2, 3... in order")
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("criteria: keys must be unique")
        for c in self.criteria:
            if len(c.anchors) != n:
                raise ValueError(f"criteria {c.key}: needs one anchor per level ({n}), has {len(c.anchors)}")
        rule = self.pass_rule
        for gate in rule.gates:
            if gate.criterion not in keys:
                raise ValueError(f"pass_rule.gates: {gate.criterion!r} is not a criterion key of this rubric")
        levels = [lv for lv in (rule.min_level, *(g.min_level for g in rule.gates)) if lv is not None]
        if rule.min_criteria_at_level:
            levels.append(rule.min_criteria_at_level.level)
            if rule.min_criteria_at_level.count > len(keys):
                raise ValueError("pass_rule.min_criteria_at_level: count is larger than the number of criteria")
        if any(lv > n for lv in levels):
            raise ValueError(f"pass_rule: a level above {n}, the highest level of this rubric")
        if self.demonstrated_level is not None and self.demonstrated_level > n:
            raise ValueError(f"demonstrated_level: above {n}, the highest level of this rubric")
        return self

    @property
    def competency_level(self) -> int:
        if self.demonstrated_level is not None:
            return self.demonstrated_level
        rule = self.pass_rule
        named = [lv for lv in (rule.min_level, *(g.min_level for g in rule.gates),
                               rule.min_criteria_at_level.level if rule.min_criteria_at_level else None) if lv]
        return max(named) if named else 2


# weeks/NN-slug/*.toml ------------------------------------------------------------

class LiveSession(Strict):
    minutes: int = Field(ge=1, le=1440)
    agenda: list[Text] = []


class WeekDiscussion(Strict):
    slug: Slug
    title: Text
    prompt: Text
    #: this week's rule, where it differs from the course's [discussion] and [modules]
    initial_post_min_words: Count | None = None
    peer_replies_min: Count | None = None
    required: bool | None = None


class ModuleFile(Strict):
    week: Week
    slug: Slug
    title: Text
    summary: Text
    objectives: list[Text]
    live_session: LiveSession
    discussion: WeekDiscussion | None = None


class ScenarioRole(Strict):
    key: Literal["practitioner", "recipient", "observer"]
    description: Text
    #: what only this role reads (the role-play page shows a trainee the brief of the role they play)
    brief: Text
    label: OptionalText = ""


class ScenarioFile(Strict):
    slug: Slug
    title: Text
    assessment: Literal["formative", "summative"]
    crisis: bool = False
    duration_minutes: int = Field(ge=1, le=480)
    #: how many times the live session's lab plays the scenario (a rotation; each a rated turn when summative)
    turns: int = Field(default=1, ge=1, le=10)
    #: the live-session minutes the lab has; the loader checks the turns fit (required when summative)
    lab_minutes: int | None = Field(default=None, ge=1, le=1440)
    setting: Text
    debrief_questions: list[Text] = Field(min_length=1)
    roles: list[ScenarioRole]
    content_note: OptionalText = ""
    alternative: OptionalText = ""
    not_applicable: list[Slug] = []

    @model_validator(mode="after")
    def _consistent(self):
        if sorted(r.key for r in self.roles) != ["observer", "practitioner", "recipient"]:
            raise ValueError("roles: exactly one each of practitioner, recipient and observer")
        if self.crisis and not (self.content_note and self.alternative):
            raise ValueError("a crisis scenario needs a content_note and an alternative activity")
        return self


class Option(Strict):
    text: Text
    correct: bool
    feedback: Text


class Question(Strict):
    kind: Literal["single", "multiple", "true_false"]
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _answers(self):
        n_correct = sum(o.correct for o in self.options)
        if self.kind in ("single", "true_false") and n_correct != 1:
            raise ValueError(f"a {self.kind} question needs exactly one correct option, not {n_correct}")
        if self.kind == "multiple" and n_correct < 1:
            raise ValueError("a multiple-choice question needs at least one correct option")
        if self.kind == "true_false" and sorted(o.text for o in self.options) != ["False", "True"]:
            raise ValueError('a true_false question has exactly the options "True" and "False"')
        return self


class QuizFile(Strict):
    slug: Slug
    title: Text
    pass_percent: int | None = Field(default=None, ge=1, le=100)
    max_attempts: int | None = Field(default=None, ge=1, le=20)
    questions: list[Question] = Field(min_length=1)


FILES: dict[str, type[Strict]] = {
    "course.toml": CourseFile,
    "rubric.toml": RubricFile,
    "module.toml": ModuleFile,
    "scenario.toml": ScenarioFile,
    "quiz.toml": QuizFile,
}
