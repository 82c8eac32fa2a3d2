from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.admin.services import STAFF_ROLES
from app.forms import Form
from app.models import Role
from app.supervision.forms import CheckboxesField

MAX_SEATS = 10_000


def _org_choices(orgs, *, blank: str) -> list[SelectChoice]:
    return [SelectChoice(0, blank)] + [
        SelectChoice(o.id, o.name + ("" if o.is_active else " (deactivated)")) for o in orgs]


class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired(message="Enter the organization's name."),
                                           Length(max=160)])
    seats = IntegerField("Seats", default=0, validators=[InputRequired(message="Enter a number of seats."),
                                                         NumberRange(min=0, max=MAX_SEATS)],
                         description="How many trainees it may enroll. You can grant or remove seats later.")
    submit = SubmitField("Create organization")


class EditOrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired(message="Enter the organization's name."),
                                           Length(max=160)])
    submit = SubmitField("Save")


class SeatsForm(Form):
    change = RadioField("Change", choices=[SelectChoice("grant", "Grant seats"), SelectChoice("remove", "Remove seats")],
                        default="grant")
    seats = IntegerField("Number of seats", validators=[InputRequired(message="Enter a number of seats."),
                                                        NumberRange(min=1, max=MAX_SEATS)])
    reason = StringField("Reason", validators=[DataRequired(message="Say why; the organization admin sees it."),
                                               Length(max=500)],
                         description="Shown in the seat history, to you and the organization admin.")
    confirm = BooleanField("I confirm: remove these seats")
    submit = SubmitField("Save seat change")

    def validate_confirm(self, field):
        if self.change.data == "remove" and not field.data:
            raise ValidationError("Tick the box to confirm removing seats.")

    @property
    def delta(self) -> int:
        return -self.seats.data if self.change.data == "remove" else self.seats.data


class PersonForm(Form):
    name = StringField("Full name", validators=[DataRequired(message="Enter their name."), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(message="Enter their email address."),
                                            Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField("Create and send invitation")


class StaffForm(PersonForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    organization_id = SelectField("Organization", coerce=int, validators=[Optional()],
                                  description="Optional: a supervisor's clinic, for example.")

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = _org_choices(organizations, blank="None (platform staff)")


class RoleForm(Form):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    organization_id = SelectField("Organization", coerce=int, validators=[Optional()],
                                  description="Organization admins and trainees need one.")
    submit = SubmitField("Change role")

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = _org_choices(organizations, blank="None")


class ConfirmForm(Form):
    confirm = BooleanField("Yes, I am sure", validators=[DataRequired(message="Tick the box to confirm.")])
    submit = SubmitField("Deactivate")


class StaffAssignmentForm(Form):
    instructors = CheckboxesField("Instructors", coerce=int)
    lead_id = SelectField("Lead instructor", coerce=int, validators=[Optional()])
    submit = SubmitField("Save instructors")

    def __init__(self, *args, instructors=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(u.id, f"{u.name} ({u.email})") for u in instructors]
        self.instructors.choices = choices
        self.lead_id.choices = [SelectChoice(0, "Choose the lead")] + [
            SelectChoice(u.id, u.name) for u in instructors]


class PeopleSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Name or email", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role")]
                       + [SelectChoice(r.value, r.label) for r in Role], validators=[Optional()])
    status = SelectField("Status", choices=[SelectChoice("", "Active or not"), SelectChoice("active", "Active"),
                                            SelectChoice("deactivated", "Deactivated"),
                                            SelectChoice("erasure_requested", "Asked for erasure")],
                         validators=[Optional()])


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = StringField("Actor (name or email)", validators=[Optional(), Length(max=120)])
    action = SelectField("Action", validators=[Optional()])
    object_type = SelectField("Object type", validators=[Optional()])
    object_id = StringField("Object id", validators=[Optional(), Length(max=60)])
    date_from = DateField("From (UTC)", validators=[Optional()])
    date_to = DateField("To (UTC)", validators=[Optional()])

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", "Any action")] + [SelectChoice(a, a) for a in actions]
        self.object_type.choices = [SelectChoice("", "Any object")] + [SelectChoice(t, t) for t in object_types]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")
