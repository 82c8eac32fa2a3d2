"""`flask` command groups: course, demo, discuss, mail."""

from flask import Flask


def register(app: Flask) -> None:
    from app.cli.course import course_cli
    from app.cli.demo import demo_cli
    from app.cli.discuss import discuss_cli
    from app.cli.mail import mail_cli

    for group in (course_cli, demo_cli, mail_cli, discuss_cli):
        app.cli.add_command(group)
