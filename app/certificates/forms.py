from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.forms import Form


class ConductForm(Form):
    agree = BooleanField("I have read the code of conduct and will keep what I learn about young people "
                         "and families confidential, within the limits explained in week 3.")
    submit = SubmitField("Sign")


class StatusForm(Form):
    action = SelectField("Action", choices=[SelectChoice("revoked", "Revoke (final)"),
                                            SelectChoice("suspended", "Suspend while investigating"),
                                            SelectChoice("active", "Reinstate a suspended certificate")])
    reason = TextAreaField("Reason (sent to the holder and kept in the record)", validators=[Length(max=2000)])
    confirm = BooleanField("I understand the holder is notified and the public verification page changes at once.")
    submit = SubmitField("Apply")


class VerifyForm(Form):
    token = TextAreaField("Serial, certificate ID, verification link or the credential itself",
                          description="For example TMC-2026-7K3M-9QXD, or everything in the Open Badge (.jwt) file.")
    upload = FileField("Or upload a file", description="The Open Badge file (.jwt or .txt), the certificate PDF, or a "
                                                        "picture of its QR code (PNG or JPEG), up to 2 MB.",
                       render_kw={"accept": ".jwt,.txt,.pdf,.png,.jpg,.jpeg,text/plain,application/pdf,image/png,"
                                            "image/jpeg"})
    submit = SubmitField("Verify")


class ShareForm(Form):
    recipient = StringField("Who is it for?", validators=[Length(max=200)],
                            description="An employer's or a person's name. It is kept with your consent.")
    days = SelectField("The link works for", coerce=int, default=30,
                       choices=[SelectChoice(7, "7 days"), SelectChoice(30, "30 days"), SelectChoice(90, "90 days")])
    submit = SubmitField("Create a link")


class OrgShareForm(Form):
    """Consent for the trainee's own organization to read a transcript through the partner API."""

    days = SelectField("For", coerce=int, default=30,
                       choices=[SelectChoice(7, "7 days"), SelectChoice(30, "30 days"), SelectChoice(90, "90 days")])
