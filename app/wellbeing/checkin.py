"""The weekly check-in: its questions, and what the trainee's own trend says in plain words. Pure.

A plain check-in that claims no clinical validity (docs/wellbeing.md records why no validated measure is
used): five questions about the week, each answered on five labelled steps, 1 the hardest and 5 the
easiest, so a higher number always means an easier week and no item is reverse-scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    #: the five answers, hardest first (stored as 1..5)
    answers: tuple[str, str, str, str, str]
    #: how a note names this question ("sleep was your lowest answer")
    short: str


QUESTIONS: tuple[Question, ...] = (
    Question("energy", "How has your energy been this week?",
             ("Very low", "Low", "Okay", "Good", "Very good"), "energy"),
    Question("load", "How manageable has the work felt, the course and your job together?",
             ("Not manageable", "Hard to manage", "Somewhat manageable", "Mostly manageable", "Fully manageable"),
             "how manageable the work felt"),
    Question("sleep", "How have you been sleeping?",
             ("Very poorly", "Poorly", "Okay", "Well", "Very well"), "sleep"),
    Question("support", "How supported have you felt by the people around you?",
             ("Not at all", "A little", "Somewhat", "Mostly", "Very supported"), "feeling supported"),
    Question("after_hours", "How well have you been able to set the work down after hours?",
             ("Not at all", "A little", "Somewhat", "Mostly", "Completely"), "setting the work down after hours"),
)
KEYS = tuple(q.key for q in QUESTIONS)
BY_KEY = {q.key: q for q in QUESTIONS}
TALK_QUESTION = "Would it help to talk to someone today?"
TALK_YES = "Yes, it would help to talk to someone today"
HEADER = ("A short, private check-in about your week. It is not a test or a clinical measure, and it does not "
          "count toward your certificate. Only you see your answers.")


def valid_answers(raw: Mapping[str, object]) -> dict[str, int] | None:
    """Every question answered with a whole number 1..5, or None."""
    out: dict[str, int] = {}
    for key in KEYS:
        try:
            value = int(str(raw.get(key, "")))
        except ValueError:
            return None
        if not 1 <= value <= 5:
            return None
        out[key] = value
    return out


def overall(answers: Mapping[str, int]) -> float:
    """The mean of the five answers, 1..5 (shown to the trainee only, and in aggregates of five or more)."""
    values = [int(answers[k]) for k in KEYS if k in answers]
    return round(sum(values) / len(values), 1) if values else 0.0


def is_heavy(answers: Mapping[str, int], wants_to_talk: bool) -> bool:
    """When the page offers the crisis lines and the same-day route at once: the trainee asked to talk, or
    two or more answers are at the hardest step. This is the check-in's own rule for "offer a person now",
    not an assessment of risk."""
    return wants_to_talk or sum(1 for k in KEYS if answers.get(k) == 1) >= 2


@dataclass(frozen=True)
class Point:
    week: int
    overall: float
    answers: Mapping[str, int]


def notes(points: Sequence[Point]) -> list[str]:
    """What the trainee's own trend shows, in plain words, oldest point first in `points`."""
    if not points:
        return ["Your first check-in starts your trend. Come back each week: it takes a minute."]
    out: list[str] = []
    latest = points[-1]
    if len(points) >= 2:
        before = points[-2]
        diff = latest.overall - before.overall
        if diff >= 0.5:
            out.append(f"Week {latest.week} was easier than week {before.week} by your answers.")
        elif diff <= -0.5:
            out.append(f"Week {latest.week} was harder than week {before.week} by your answers. Hard weeks "
                       "happen, especially in the weeks about crisis work.")
        else:
            out.append(f"Week {latest.week} was about the same as week {before.week} by your answers.")
    lowest = min(KEYS, key=lambda k: (latest.answers.get(k, 5), KEYS.index(k)))
    if latest.answers.get(lowest, 5) <= 3:
        out.append(f"In week {latest.week}, {BY_KEY[lowest].short} was your lowest answer.")
    if len(points) >= 4 and all(points[i].overall < points[i - 1].overall for i in range(len(points) - 3,
                                                                                       len(points))):
        out.append("Your answers have gone down three check-ins in a row. That is worth talking about with "
                   "your supervisor or someone you trust; supervision is there for this too.")
    out.append("This is a simple check-in, not a clinical measure: it shows how your own answers change, "
               "and cannot tell anyone how you are.")
    return out
