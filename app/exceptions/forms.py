from __future__ import annotations

from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import Form
from app.models import ExceptionKind


class GrantForm(Form):
    kind = SelectField("Exception", choices=[SelectChoice(k.value, k.label) for k in ExceptionKind])
    item = SelectField("For", validate_choice=False)
    days = IntegerField("Extra days (extensions)", validators=[Optional(), NumberRange(min=1, max=365)])
    alternative = StringField("Alternative activity (excused attendance)", validators=[Length(max=2000)],
                              description="For example: the recording and a one-page reflection, or the make-up session.")
    reason = TextAreaField("Reason", validators=[InputRequired(message="Write the reason."), Length(max=2000)],
                           description="Kept with the exception and in the audit log. The trainee sees it.")
    submit = SubmitField("Grant")



class RevokeForm(Form):
    reason = TextAreaField("Why revoke it?", validators=[InputRequired(message="Write the reason."), Length(max=2000)])
    confirm = BooleanField("I understand the trainee loses this exception.",
                           validators=[InputRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Revoke")


class AccommodationForm(Form):
    quiz_time_factor = FloatField("Extended time on timed quizzes (factor)", default=1.0,
                                  validators=[InputRequired(), NumberRange(min=1, max=4)],
                                  description="1 is no extension; 1.5 gives half as much time again.")
    extra_days = IntegerField("Extra days on every due date", default=0,
                              validators=[InputRequired(), NumberRange(min=0, max=60)])
    alternative_format = BooleanField("Alternative format for role-plays (for example written or audio only)")
    note = TextAreaField("Note for the trainee's instructors", validators=[Length(max=2000)])
    submit = SubmitField("Save accommodations")


class DeferForm(Form):
    cohort_id = SelectField("Later cohort of the same program", coerce=int, validate_choice=False)
    reason = TextAreaField("Reason", validators=[InputRequired(message="Write the reason."), Length(max=2000)])
    submit = SubmitField("Defer to this cohort")
