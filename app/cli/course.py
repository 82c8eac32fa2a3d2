"""`flask course validate PATH` and `flask course import PATH [--dry-run]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.curriculum.importer import sync_course
from app.curriculum.loader import load_course
from app.curriculum.spec import CourseInvalid
from app.extensions import db

course_cli = AppGroup("course", help="Validate and import course folders.")


def _load(path: str):
    try:
        return load_course(path)
    except CourseInvalid as exc:
        click.echo(f"{path}: {len(exc.problems)} problem(s):", err=True)
        for p in exc.problems:
            click.echo(f"  {p}", err=True)
        raise SystemExit(1) from None


@course_cli.command("validate")
@click.argument("path", type=click.Path())
def validate(path: str) -> None:
    """Check a course folder without touching the database."""
    spec = _load(path)
    n_q = sum(len(m.quiz.questions) for m in spec.modules)
    words = sum(m.lecture_words for m in spec.modules)
    click.echo(f"OK: {spec.title} {spec.version}: {len(spec.modules)} weeks, "
               f"{n_q} quiz questions, {words} lecture words, "
               f"rubric with {len(spec.rubric.criteria)} criteria.")


@course_cli.command("import")
@click.argument("path", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Show what would change, write nothing.")
def import_(path: str, dry_run: bool) -> None:
    """Import (or update) a course folder. Idempotent; never deletes learner data."""
    spec = _load(path)
    try:
        report = sync_course(spec)
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")
