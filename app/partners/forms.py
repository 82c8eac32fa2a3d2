from __future__ import annotations

from datetime import time

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.auth.forms import _timezones
from app.forms import Form
from app.partners.services import WEEKDAYS
from app.supervision.forms import CheckboxesField


class CohortForm(Form):
    name = StringField("Cohort name", validators=[DataRequired(message="Give the cohort a name."), Length(max=160)],
                       description="For example “Spring 2027 – Boston”. Roster files can name it in their cohort column.")
    course_id = SelectField("Course", coerce=int, validators=[InputRequired()])
    start_date = DateField("Start date", validators=[InputRequired(message="Enter the first day of week 1.")],
                           description="Week 1 opens on this day; each later week opens seven days after.")
    timezone = SelectField("Time zone", validators=[DataRequired()], default="America/New_York",
                           description="Weeks open at midnight and live sessions are scheduled in this zone.")
    instructors = CheckboxesField("Instructors", coerce=int,
                                  description="The first one you tick leads the cohort. You can leave this for later.")
    session_weekday = SelectField("Weekly live session day", coerce=int, default=2,
                                  choices=[SelectChoice(i, d) for i, d in enumerate(WEEKDAYS)])
    session_time = TimeField("Live session time", default=time(18, 0),
                             validators=[InputRequired(message="Enter the time of the live session.")],
                             description="Local time in the cohort's time zone.")
    submit = SubmitField("Create cohort")

    def __init__(self, *args, courses=(), instructors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = [SelectChoice(c.id, f"{c.title} (version {c.version})") for c in courses]
        self.timezone.choices = list(_timezones())
        self.instructors.choices = [SelectChoice(u.id, f"{u.name} ({u.email})") for u in instructors]


class RosterUploadForm(Form):
    file = FileField("Roster file (CSV)", validators=[FileRequired(message="Choose the CSV file to upload.")],
                     description="Columns: email, first_name, last_name, and optionally supervisor_email and cohort. "
                                 "UTF-8, at most 1,000 rows.")
    cohort_id = SelectField("Cohort", coerce=int, validators=[Optional()],
                            description="Rows with an empty cohort column (or all rows, when the file has no "
                                        "cohort column) are enrolled in this cohort.")
    submit = SubmitField("Upload and preview")

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort_id.choices = [SelectChoice(0, "None: each row names its cohort")] + [
            SelectChoice(c.id, c.name) for c in cohorts]


class WithdrawForm(Form):
    confirm = BooleanField("Yes, withdraw this trainee", validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Withdraw")


class MoveForm(Form):
    cohort_id = SelectField("Move to cohort", coerce=int)
    confirm = BooleanField("Yes, move this trainee", validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Move")

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort_id.choices = [SelectChoice(0, "Choose a cohort")] + [SelectChoice(c.id, c.name) for c in cohorts]

    def validate_cohort_id(self, field):
        if not field.data:
            raise ValidationError("Choose the cohort to move them to.")


class ApiKeyForm(Form):
    name = StringField("Key name", validators=[DataRequired(message="Name the key after the system that uses it."),
                                              Length(max=80)],
                       description="For example “HR system”. You see the key once, right after creating it.")
    submit = SubmitField("Create API key")


class RevokeKeyForm(Form):
    confirm = BooleanField("Yes, revoke this key", validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Revoke key")
