"""`flask course validate PATH` and `flask course import PATH [--dry-run]`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app import audit
from app.curriculum.impact import stranded
from app.curriculum.importer import sync_course
from app.curriculum.loader import load_course
from app.curriculum.spec import CourseInvalid
from app.extensions import db
from app.models import Course

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
    n_q = sum(len(m.quiz.questions) for m in spec.modules if m.quiz)
    words = sum(m.lecture_words for m in spec.modules)
    click.echo(f"OK: {spec.title} {spec.version}: {len(spec.modules)} weeks, "
               f"{n_q} quiz questions, {words} lecture words, "
               f"rubric with {len(spec.rubric.criteria)} criteria.")


@course_cli.command("import")
@click.argument("path", type=click.Path())
@click.option("--dry-run", is_flag=True, help="Show what would change, write nothing.")
@click.option("--force", is_flag=True, help="Import even where enrolled trainees' records would be stranded "
                                            "(those items are archived, and the import is audited).")
def import_(path: str, dry_run: bool, force: bool) -> None:
    """Import (or update) a course folder. Idempotent; never deletes learner data."""
    spec = _load(path)
    affected = stranded(spec)
    if affected and not force:
        click.echo(f"{path}: refused, this change would strand enrolled trainees' records:", err=True)
        for line in affected:
            click.echo(f"  {line}", err=True)
        click.echo("Nothing was written. Keep those items in the files, or run again with --force to archive "
                   "them (recorded in the audit log).", err=True)
        raise SystemExit(1)
    try:
        report = sync_course(spec)
    except Exception:
        db.session.rollback()
        raise
    if affected and not dry_run:
        course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
        audit.record("course.forced_import", course, after={"course": spec.slug, "version": spec.version,
                                                           "stranded": affected})
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")
