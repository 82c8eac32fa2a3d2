from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms import Form


class ErasureRequestForm(Form):
    confirm = BooleanField("I understand: my account will be closed, my name and email removed everywhere, and "
                           "what I wrote erased. My certificates stay verifiable as issued.",
                           validators=[DataRequired(message="Tick the box to ask for erasure.")])
    submit = SubmitField("Ask for my data to be erased")


class ErasureForm(Form):
    confirmation = StringField("Type their email address to confirm",
                               validators=[DataRequired(message="Type their email address to confirm."),
                                           Length(max=254)])
    submit = SubmitField("Erase this person's data")
