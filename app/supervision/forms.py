from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from app.forms import Form
from app.models import CredentialType, DeliveryMode, SupervisionType
from app.models.supervision import TOPICS
from app.supervision.services import SUMMARY_MAX


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class SessionForm(Form):
    cohort_id = SelectField("Program", coerce=_optional_int, validate_choice=False,
                            description="The program these hours count toward.")
    supervisor_id = SelectField("Supervisor", coerce=int, validators=[InputRequired()])
    session_date = DateField("Date of the session", validators=[InputRequired(message="Enter the date.")])
    start_time = TimeField("Start time", validators=[InputRequired(message="Enter the start time.")])
    duration_minutes = IntegerField(
        "Length in minutes", validators=[InputRequired(message="Enter the length in minutes.")],
        description="The program's rules say which lengths count; the hours ledger shows what counted.")
    supervision_type = SelectField("Type", choices=[SelectChoice(t.value, t.label) for t in SupervisionType])
    category = SelectField("Hour category", validate_choice=False,
                           description="What the session was mainly about, in your program's categories.")
    delivery_mode = SelectField("How it took place", choices=[SelectChoice(m.value, m.label) for m in DeliveryMode])
    topics = CheckboxesField("Topics", choices=[SelectChoice(k, v) for k, v in TOPICS.items()])
    summary = TextAreaField(
        "Summary", validators=[Length(max=SUMMARY_MAX)],
        description="What you worked on. No client names, phone numbers, emails or birth dates: "
                    "use case codes or pseudonyms.")
    action_items = TextAreaField("Action items", validators=[Length(max=1000)])
    attested = BooleanField("I attest that this session took place as described and that the summary "
                            "contains no client identifiers.")
    identifiers_confirmed = BooleanField("I checked the flagged text: it is not a client identifier.")
    save = SubmitField("Save draft")
    submit = SubmitField("Submit to supervisor")

    def __init__(self, *args, supervisors=(), programs=(), types=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.supervisor_id.choices = [SelectChoice(s.id, s.name) for s in supervisors]
        self.cohort_id.choices = [SelectChoice(c.id, f"{c.course.title} ({c.name})") for c in programs]
        if types:
            self.supervision_type.choices = [SelectChoice(t.value, t.label) for t in SupervisionType if t.value in types]
        self.category.choices = [SelectChoice("", "Choose a category")] + [SelectChoice(k, v) for k, v in categories]


class DecisionForm(Form):
    password = PasswordField("Your password (your electronic signature)", validators=[Optional()])
    reason = TextAreaField("What should the trainee change?", validators=[Optional(), Length(max=1000)])
    approve = SubmitField("Approve and sign")
    send_back = SubmitField("Return to trainee")


class CredentialForm(Form):
    credential_type = SelectField("Credential", choices=[SelectChoice(c.value) for c in CredentialType])
    license_number = StringField("License number", validators=[InputRequired(), Length(max=60)])
    state = StringField("State (two letters)", validators=[
        InputRequired(), Regexp(r"^[A-Za-z]{2}$", message="Use the two-letter state code, e.g. MA.")])
    expires_on = DateField("Expires on", validators=[InputRequired(message="Enter the expiry date.")])
    save = SubmitField("Save credential")


class GroupSessionForm(Form):
    attendee_ids = CheckboxesField("Attendees", coerce=int)
    session_date = DateField("Date of the session", validators=[InputRequired(message="Enter the date.")])
    start_time = TimeField("Start time", validators=[InputRequired(message="Enter the start time.")])
    duration_minutes = IntegerField("Length in minutes", validators=[InputRequired()],
                                    description="Each attendee's program says from how many minutes group sessions count.")
    category = SelectField("Hour category", validate_choice=False)
    delivery_mode = SelectField("How it took place", choices=[SelectChoice(m.value, m.label) for m in DeliveryMode])
    topics = CheckboxesField("Topics", choices=[SelectChoice(k, v) for k, v in TOPICS.items()])
    summary = TextAreaField("Summary", validators=[Length(max=SUMMARY_MAX)],
                            description="No client identifiers: use case codes or pseudonyms.")
    action_items = TextAreaField("Action items", validators=[Length(max=1000)])
    identifiers_confirmed = BooleanField("I checked the flagged text: it is not a client identifier.")
    password = PasswordField("Your password (your electronic signature)")
    submit = SubmitField("Create and sign")

    def __init__(self, *args, supervisees=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendee_ids.choices = [SelectChoice(u.id, u.name) for u in supervisees]
        self.category.choices = [SelectChoice("", "None (the attendees' programs have no categories)")] + [
            SelectChoice(k, v) for k, v in categories]


class DeclineForm(Form):
    reason = TextAreaField("Why are you declining?", validators=[Length(max=1000)])
    decline = SubmitField("Decline")
