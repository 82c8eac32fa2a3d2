from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length

from app.forms import Form
from app.resources.services import STATES


class LocalResourcesForm(Form):
    state = SelectField(
        "State", choices=[SelectChoice("", "Choose the state you work in")] + [
            SelectChoice(code, name) for code, name in sorted(STATES.items(), key=lambda kv: kv[1])],
        validators=[AnyOf(["", *STATES], message="Choose a state.")],
        description="Mandated reporting and crisis services differ by state; trainees see which one applies.")
    mobile_crisis = StringField("Mobile crisis line", validators=[Length(max=200)],
                                description="Who comes out to a young person in crisis here, and their number. "
                                            "For example “Boston Emergency Services Team: 1-800-981-4357”.")
    reporting_route = TextAreaField("Mandated-reporting route", validators=[Length(max=1000)],
                                    description="What a mentor does, in your organization, when they suspect abuse "
                                                "or neglect: whom they tell, how fast, and who files the report.")
    reporting_hotline = StringField("Child abuse reporting hotline", validators=[Length(max=200)],
                                    description="Your state's line for reports, with its number.")
    local_lines = TextAreaField("Other local lines", validators=[Length(max=1000)],
                                description="One per line: a youth crisis line, a warm line, a 24-hour clinic...")
    submit = SubmitField("Save local resources")
