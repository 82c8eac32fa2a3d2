from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.services import MIN_PASSWORD_LENGTH
from app.forms import Form


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Sign in")


class ForgotPasswordForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField("Send reset link")


class NewPasswordMixin:
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                                           message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence is easy to remember.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords do not match.")],
    )


class ResetPasswordForm(NewPasswordMixin, Form):
    submit = SubmitField("Set new password")


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    submit = SubmitField("Change password")


@cache
def _known_zones() -> frozenset[str]:
    """`available_timezones()` walks the tz database on disk at every call: once per process is enough."""
    return frozenset(available_timezones())


@cache
def _timezones() -> tuple[SelectChoice, ...]:
    zones = sorted(z for z in _known_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return tuple(SelectChoice(z, z.replace("_", " ")) for z in zones)


class ProfileForm(Form):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    timezone = SelectField("Time zone", validators=[DataRequired()],
                           description="Live session times are shown in this zone.")
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = list(_timezones())

    def validate_timezone(self, field):
        if field.data not in _known_zones():
            raise ValidationError("Choose a time zone from the list.")
