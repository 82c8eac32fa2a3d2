"""`flask` command groups: audit, catalog, certificates, course, demo, discuss, mail, orgs, roleplay, supervision, users."""

from flask import Flask


def register(app: Flask) -> None:
    from app.cli.audit import audit_cli
    from app.cli.catalog import catalog_cli
    from app.cli.certificates import certificates_cli
    from app.cli.course import course_cli
    from app.cli.demo import demo_cli
    from app.cli.discuss import discuss_cli
    from app.cli.mail import mail_cli
    from app.cli.roleplay import roleplay_cli
    from app.cli.supervision import supervision_cli
    from app.cli.users import orgs_cli, users_cli

    for group in (course_cli, demo_cli, mail_cli, supervision_cli, certificates_cli, roleplay_cli, discuss_cli,
                  users_cli, orgs_cli, catalog_cli, audit_cli):
        app.cli.add_command(group)
