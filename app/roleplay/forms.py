"""Submission, grading and calibration forms. Rubric forms are built from the course's rubric rows."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.forms import Form


class SubmissionForm(Form):
    script = SelectField("Which version did you play?", choices=[
        SelectChoice("standard", "The standard script"),
        SelectChoice("alternative", "The alternative offered in the content note (no penalty)"),
    ], default="standard")
    transcript = TextAreaField(
        "Transcript", validators=[Optional(), Length(max=100_000)],
        description="Markdown. Use fictional names only, as in the scenario. A transcript, a recording, or both.")
    recording = FileField(
        "Recording (audio or video)",
        description="MP3, M4A, WAV, OGG, FLAC, MP4, MOV, WebM or MKV. Kept only for assessment and calibration, "
                    "then deleted.")
    consent = BooleanField("Everyone in this recording agreed to it being shared with the course's graders "
                           "for assessment and calibration.")
    reflection = TextAreaField(
        "Self-reflection (private)", validators=[Optional(), Length(max=20_000)],
        description="Only you and your graders can read this. What went well, what you would change.")


def level_field(name: str) -> str:
    return f"level-{name}"


def comment_field(name: str) -> str:
    return f"comment-{name}"


def anchor(criterion, level: int) -> str:
    return criterion.anchors[level - 1] if 0 < level <= len(criterion.anchors) else ""


def rubric_form(rubric, criteria, *, base=Form, comments: bool = True):
    """A form with a level (radio, with each level's anchor text) per criterion, and optional comments."""
    labels = {lv["value"]: lv["label"] for lv in rubric.levels}

    class RubricForm(base):
        pass

    for c in criteria:
        choices = [SelectChoice(value, f"{value} · {labels[value]}: {anchor(c, value)}") for value in sorted(labels)]
        setattr(RubricForm, level_field(c.key), RadioField(
            c.title, choices=choices, coerce=int,
            validators=[InputRequired(message=f"Choose a level for “{c.title}”.")]))
        if comments:
            setattr(RubricForm, comment_field(c.key), TextAreaField(
                f"Comment on {c.title.lower()}", validators=[Optional(), Length(max=5000)]))
    return RubricForm


class GradeBase(Form):
    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message="Reload the page and grade again.")])
    overall_comment = TextAreaField("Overall comment", validators=[Optional(), Length(max=10_000)],
                                    description="What the trainee should keep doing and work on next.")


class ExemplarBase(Form):
    title = StringField("Title", validators=[InputRequired(message="Give the exemplar a title."), Length(max=200)])
    scenario = SelectField("Scenario", coerce=int, choices=[])
    transcript = TextAreaField("Transcript (Markdown)",
                               validators=[InputRequired(message="Paste the exemplar's transcript."),
                                           Length(max=100_000)])


def levels_from(form, criteria) -> dict[str, int | None]:
    return {c.key: form[level_field(c.key)].data for c in criteria}


def comments_from(form, criteria) -> dict[str, str]:
    return {c.key: form[comment_field(c.key)].data or "" for c in criteria}


def missing_from(form, criteria) -> list[str]:
    return [c.title for c in criteria if form[level_field(c.key)].errors]
