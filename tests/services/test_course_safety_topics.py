"""The therapeutic-mentoring course teaches, and quizzes, the safety and career topics a mentor will
meet, each in its week; and the corrections a clinical review asked for stay made."""

from __future__ import annotations

import pytest

from app.curriculum.loader import load_course
from tests.conftest import COURSE_DIR


@pytest.fixture(scope="module")
def weeks():
    return {m.week: m for m in load_course(COURSE_DIR).modules}


def _quiz_text(module) -> str:
    return " ".join(q.prompt + " " + " ".join(o.text + " " + o.feedback for o in q.options)
                    for q in module.quiz.questions).lower()


#: topic -> (week, a phrase its lecture uses, a phrase one of its quiz questions uses)
TOPICS = {
    "mentor safety on visits": (2, "your own safety on home and community visits", "home visit"),
    "state reporting route": (3, "know your state's route", "mgl c. 119, §51a"),
    "duty to warn or protect": (3, "duty to warn or protect", "tarasoff"),
    "FERPA beside HIPAA and Part 2": (3, "ferpa", "ferpa consent"),
    "self-harm without suicidal intent": (9, "self-harm that is not a suicide attempt", "injuries she made herself"),
    "lethal-means safety": (9, "lethal-means safety", "making home safer"),
    "overdose and naloxone": (9, "naloxone", "naloxone"),
    "youth crisis lines": (9, "the trevor project", "trevor project"),
    "immediate danger first": (9, "the order never holds anyone back in immediate danger", "call 911 now"),
    "SBAR adapted honestly": (10, "standard: assessment", "**assessment**"),
    "work-life boundaries and peer support": (11, "peer support among coworkers", "peer-support response"),
    "career ladder": (12, "where the role leads", "certifying board"),
}


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_each_topic_is_taught_and_quizzed_in_its_week(weeks, topic):
    week, lecture_phrase, quiz_phrase = TOPICS[topic]
    assert lecture_phrase in weeks[week].lecture_md.lower(), topic
    assert quiz_phrase in _quiz_text(weeks[week]), topic


def test_the_model_note_follows_a_warning_sign_with_a_question_and_a_call(weeks):
    lecture = weeks[8].lecture_md
    quote = lecture.index("Theo said, \"I'm tired of everything.\"")
    follow_up = lecture[quote:quote + 400]
    assert "asked directly whether he was thinking about suicide" in follow_up
    assert "called supervisor" in follow_up
    assert "with little eye contact" not in lecture  # eye contact is not neutral data


def test_weeks_11_and_12_have_a_discussion_on_staying_in_the_work(weeks):
    assert "coworker" in weeks[11].discussion.prompt and "boundary between work and life" in weeks[11].discussion.prompt
    assert "credential" in weeks[12].discussion.prompt


def test_the_mi_spirit_is_dated_to_its_edition(weeks):
    lecture = weeks[5].lecture_md
    assert "third edition" in lecture and "(2013)" in lecture
    assert "fourth edition (2023" in lecture and "**empowerment**" in lecture
