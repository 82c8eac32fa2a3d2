from __future__ import annotations

from flask import current_app
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from app.forms import Form
from app.models import EmailMode

MARKDOWN_HELP = ("Markdown works: **bold**, *italic*, lists, > quotes, [links](https://example.org). "
                 "Mention someone in your cohort with @ and their name, e.g. @Tara Trainee.")


class PostForm(Form):
    body = TextAreaField("Your post", validators=[InputRequired(message="Write something before posting.")],
                         description=MARKDOWN_HELP)
    preview = SubmitField("Preview")
    submit = SubmitField("Post")

    def validate_body(self, field):
        limit = current_app.config["DISCUSSION_POST_MAX_CHARS"]
        if field.data and len(field.data.strip()) > limit:
            raise ValidationError(f"A post can be at most {limit:,} characters; yours has "
                                  f"{len(field.data.strip()):,}. Shorten it or split it into two posts.")
        if field.data is not None and not field.data.strip():
            raise ValidationError("Write something before posting.")

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)


class EditPostForm(PostForm):
    #: the post's version when the editor opened it; a save from an older one is refused with both texts
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class ThreadForm(PostForm):
    title = StringField("Title", validators=[InputRequired(message="Give the thread a title."),
                                             Length(max=200, message="At most 200 characters.")])
    submit = SubmitField("Start the thread")


class ReportForm(Form):
    reason = TextAreaField("Why are you reporting this post?", validators=[
        InputRequired(message="Say briefly why, so the instructors can act on it."),
        Length(max=1000, message="Keep it under 1,000 characters.")],
        description="Only the cohort's instructors see your report and your name.")
    submit = SubmitField("Send the report")


class PreferencesForm(Form):
    replies = BooleanField("Replies to my posts")
    mentions = BooleanField("When someone @mentions me")
    followed = BooleanField("New posts in threads I follow")
    email_mode = RadioField("Email", choices=[
        SelectChoice(EmailMode.IMMEDIATE.value, "Send each notification by email as it happens"),
        SelectChoice(EmailMode.DAILY.value, "One daily digest email"),
        SelectChoice(EmailMode.OFF.value, "No email: only here on the site"),
    ])
    submit = SubmitField("Save preferences")
