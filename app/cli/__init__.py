"""`flask` command groups: audit, backup, catalog, certificates, course, demo, discuss, jobs, lti, mail, orgs, roleplay,
supervision, users."""

from flask import Flask


def register(app: Flask) -> None:
    from app.cli.audit import audit_cli
    from app.cli.backup import backup_cli
    from app.cli.catalog import catalog_cli
    from app.cli.certificates import certificates_cli
    from app.cli.course import course_cli
    from app.cli.demo import demo_cli
    from app.cli.discuss import discuss_cli
    from app.cli.jobs import jobs_cli
    from app.cli.lti import lti_cli
    from app.cli.mail import mail_cli
    from app.cli.roleplay import roleplay_cli
    from app.cli.supervision import supervision_cli
    from app.cli.users import orgs_cli, users_cli

    guard_downgrade()
    for group in (course_cli, demo_cli, mail_cli, supervision_cli, certificates_cli, roleplay_cli, discuss_cli,
                  users_cli, orgs_cli, catalog_cli, jobs_cli, backup_cli, audit_cli, lti_cli):
        app.cli.add_command(group)


def guard_downgrade() -> None:
    """`flask db downgrade` refuses in production unless told there is a backup: downgrades drop columns
    and tables, and production restores a backup instead (README, Deploying)."""
    import click
    from flask import current_app
    from flask.cli import with_appcontext
    from flask_migrate.cli import db as db_group

    command = db_group.commands["downgrade"]
    if any(p.name == "i_have_a_backup" for p in command.params):
        return
    command.params.append(click.Option(["--i-have-a-backup"], is_flag=True,
                                       help="Required in production: downgrades lose data; restore a backup instead."))
    inner = command.callback

    def callback(*args, i_have_a_backup: bool = False, **kwargs):
        if current_app.config.get("ENV_NAME") == "production" and not i_have_a_backup:
            raise click.UsageError("Refusing to downgrade the production database: downgrades drop columns and "
                                   "tables. Restore a backup instead, or pass --i-have-a-backup if you have one.")
        return inner(*args, **kwargs)

    command.callback = with_appcontext(callback)
