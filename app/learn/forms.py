from __future__ import annotations

from wtforms import DateTimeLocalField, IntegerField, URLField
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from app.forms import Form


class LiveSessionForm(Form):
    starts_local = DateTimeLocalField("Starts (cohort's local time)", format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(message="Enter the date and time.")])
    duration_minutes = IntegerField("Length in minutes", validators=[
        InputRequired(), NumberRange(min=15, max=300, message="Between 15 and 300 minutes.")])
    join_url = URLField("Join link", validators=[Optional(), Length(max=500),
                                                 URL(require_tld=False, message="Enter a full https:// link.")],
                        description="Shown only to enrolled trainees and staff.")
    recording_url = URLField("Recording link", validators=[Optional(), Length(max=500),
                                                           URL(require_tld=False, message="Enter a full https:// link.")],
                             description="Trainees with an excused absence watch this to make up the session.")

    def validate_join_url(self, field):
        _require_web_scheme(field)

    def validate_recording_url(self, field):
        _require_web_scheme(field)


def _require_web_scheme(field) -> None:
    from wtforms.validators import ValidationError

    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError("Links must start with https://")
