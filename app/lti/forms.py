from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from app.forms import Form


def _url(label: str) -> list:
    return [DataRequired(message=f"Enter the {label}."), URL(require_tld=False, message=f"Enter the {label} as a full URL."),
            Length(max=500)]


class PlatformForm(Form):
    organization_id = SelectField("Organization", coerce=int)
    name = StringField("Name", validators=[DataRequired(message="Name the learning system."), Length(max=120)],
                       description="For you, e.g. \"Acme Moodle\".")
    issuer = StringField("Issuer (platform ID)", validators=[DataRequired(message="Enter the issuer."),
                                                             Length(max=255)])
    client_id = StringField("Client ID", validators=[DataRequired(message="Enter the client ID."), Length(max=255)])
    deployment_ids = TextAreaField("Deployment IDs", validators=[DataRequired(message="Enter a deployment ID.")],
                                   description="One a line.")
    auth_login_url = URLField("Authentication request URL", validators=_url("authentication request URL"))
    auth_token_url = URLField("Access token URL", validators=_url("access token URL"))
    key_set_url = URLField("Public keyset URL", validators=_url("public keyset URL"))
    lms_url = URLField("The LMS's own address", validators=[
        Optional(), URL(require_tld=False, message="Enter the LMS's address as a full URL."), Length(max=500)],
        description="Where its course pages are, if not at the issuer's address (Canvas cloud: your Canvas's "
                    "address, e.g. https://yourschool.instructure.com). Only these pages may show the course.")
    allow_instructors = BooleanField("Instructors in the LMS course teach the linked cohort")
    is_active = BooleanField("Launches accepted", default=True)
    submit = SubmitField("Save")

    def validate_deployment_ids(self, field):
        ids = self.deployment_list()
        if not ids or any(len(i) > 255 for i in ids):
            raise ValidationError("Enter one deployment ID a line, each at most 255 characters.")

    def deployment_list(self) -> list[str]:
        return list(dict.fromkeys(line.strip() for line in (self.deployment_ids.data or "").splitlines()
                                  if line.strip()))


class LinkSetupForm(Form):
    cohort_id = SelectField("Cohort", coerce=int)
    submit = SubmitField("Open this cohort from the link")
