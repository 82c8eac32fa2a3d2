from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import Form
from app.wellbeing import checkin as questions
from app.wellbeing.services import JOURNAL_MAX_CHARS, NOTE_MAX_CHARS


class CheckinForm(Form):
    """The five questions (fields named by their keys), the "talk today" question and a private note."""

    talk = BooleanField(questions.TALK_YES)
    note = TextAreaField("Anything you want to remember about this week (optional, only you see it)",
                         validators=[Length(max=NOTE_MAX_CHARS)])
    submit = SubmitField("Save my check-in")

    @property
    def question_fields(self):
        return [(q, self[q.key]) for q in questions.QUESTIONS]


for _q in questions.QUESTIONS:
    setattr(CheckinForm, _q.key, RadioField(
        _q.text, coerce=int, validators=[InputRequired(message="Please choose one.")],
        choices=[SelectChoice(i + 1, text) for i, text in enumerate(_q.answers)]))


class JournalForm(Form):
    body = TextAreaField("A new entry", validators=[InputRequired(message="Write something first."),
                                                   Length(max=JOURNAL_MAX_CHARS)],
                         description="Private: nobody else can read it. Write what helps; nothing here is graded.")
    submit = SubmitField("Save the entry")


class TalkForm(Form):
    to = RadioField("Who would you like to talk to today?", validators=[InputRequired(message="Choose a person.")])
    message = TextAreaField("Anything you want them to know first (optional)",
                            validators=[Length(max=2000)],
                            description="Only the person you choose sees this (and the program director if nobody "
                                        "acknowledges your request in time). It is never sent by email, and your "
                                        "organization does not see it.")
    submit = SubmitField("Ask them to reach me today")


class AcknowledgeForm(Form):
    reply = TextAreaField("A note back (optional)", validators=[Length(max=1000)],
                          description="For example when and how you will reach them. Only they see it.")
    submit = SubmitField("I have this: acknowledge")


class ShareForm(Form):
    """Share one thing with one supervisor: a cohort's trend (`cohort_id`) or a journal entry (`entry_id`)."""

    kind = HiddenField(validators=[InputRequired()])
    cohort_id = HiddenField()
    entry_id = HiddenField()
    supervisor_id = SelectField("With", coerce=int, validators=[InputRequired()])
    submit = SubmitField("Share with my supervisor")


class CircleForm(Form):
    """A new peer-support circle: its name and, when an instructor sets it up, its members."""

    name = StringField("Name of the circle", validators=[InputRequired(message="Give the circle a name."),
                                                        Length(max=80)])
    members = SelectMultipleField("Members", coerce=int, widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    submit = SubmitField("Set up the circle")


class CirclePostForm(Form):
    body = TextAreaField("Write to your circle", validators=[InputRequired(message="Write something first."),
                                                            Length(max=5000)],
                         description="Members and the facilitator read this, nobody else. Markdown works.")
    submit = SubmitField("Post to the circle")
