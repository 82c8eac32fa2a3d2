"""Forms shared across blueprints, and `Form`, the base of every form in the app."""

from flask_wtf import FlaskForm
from wtforms.widgets import TextArea

from app.inputs import CONTROL, DB_INT_MAX, DB_INT_MIN


def control_character_error(field) -> str | None:
    """What is wrong with a field's submitted text, if it carries a control character.

    Every field: no NUL or other control character (tab, and line breaks in a text area, are text).
    Single-line fields: no line break either (none can be typed there; in a name or subject it
    would split a mail header)."""
    multiline = isinstance(field.widget, TextArea)
    for raw in field.raw_data or ():
        if not isinstance(raw, str):
            continue  # an uploaded file
        if bad := CONTROL.search(raw):
            return (f"Remove the control character U+{ord(bad.group()):04X} at position {bad.start() + 1}: "
                    "text may not contain it.")
        if not multiline and ("\n" in raw or "\r" in raw):
            return "This is a single line: remove the line break."
    return None


def out_of_range(data) -> bool:
    """A number (or one of a list) the database's integer columns cannot hold."""
    values = data if isinstance(data, list | tuple) else [data]
    return any(isinstance(v, int) and not isinstance(v, bool) and not DB_INT_MIN <= v <= DB_INT_MAX
               for v in values)


class Form(FlaskForm):
    """The base of every form: text with control characters, and numbers beyond the database's range, are
    refused with a message at their field, whatever else the form checks (so none reaches the database,
    a mail header or a PDF)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            message = control_character_error(field) or (
                "Enter a smaller number." if out_of_range(field.data) else None)
            if message:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class ActionForm(Form):
    """No fields: gives CSRF protection to POST-only buttons (logout, confirm...)."""
