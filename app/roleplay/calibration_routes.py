"""Calibration: exemplars (admin), blind grading (instructors), the agreement report (admin)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import policy
from app.errors import DomainError
from app.extensions import db
from app.guards import guard
from app.models import CalibrationExemplar, Course, Scenario
from app.roleplay import calibration, services
from app.roleplay.forms import ExemplarBase, levels_from, missing_from, rubric_form
from app.roleplay.routes import bp


def _course_and_rubric():
    """The course calibrated: `?course=<slug>`, else the first active course with a rubric."""
    stmt = sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.id)
    if request.args.get("course"):
        stmt = stmt.where(Course.slug == request.args["course"])
    for course in db.session.scalars(stmt):
        rubric = services.rubric_for(course.id)
        if rubric is not None:
            return course, rubric
    abort(404)


@bp.get("/calibration")
@guard(policy.can_open_calibration)
def calibration_home():
    course, rubric = _course_and_rubric()
    return render_template("roleplay/calibration.html", course=course, rubric=rubric,
                           exemplars=calibration.exemplars(rubric), mine=calibration.graded_by(current_user),
                           can_manage=policy.can_manage_calibration(current_user),
                           can_calibrate=policy.can_calibrate(current_user))


@bp.route("/calibration/exemplars/new", methods=["GET", "POST"])
@guard(policy.can_manage_calibration)
def new_exemplar():
    course, rubric = _course_and_rubric()
    criteria = services.active_criteria(rubric)
    form = rubric_form(rubric, criteria, base=ExemplarBase, comments=False)()
    scenarios = db.session.scalars(sa.select(Scenario).where(
        Scenario.course_id == course.id, Scenario.archived_at.is_(None)).order_by(Scenario.id)).all()
    form.scenario.choices = [SelectChoice(0, "No particular scenario")] + [SelectChoice(s.id, s.title)
                                                                            for s in scenarios]
    missing, status = [], 200
    if form.validate_on_submit():
        scenario = next((s for s in scenarios if s.id == form.scenario.data), None)
        calibration.create_exemplar(rubric, title=form.title.data, transcript=form.transcript.data,
                                    scenario=scenario, levels=levels_from(form, criteria), actor=current_user)
        db.session.commit()
        flash("Exemplar saved with its reference levels. Instructors can now grade it blind.", "success")
        return redirect(url_for("roleplay.calibration_home", course=course.slug))
    if form.is_submitted():
        missing, status = missing_from(form, criteria), 422
    return render_template("roleplay/exemplar_form.html", course=course, form=form, criteria=criteria,
                           missing=missing), status


@bp.route("/calibration/exemplars/<int:exemplar_id>/grade", methods=["GET", "POST"])
@guard(policy.can_calibrate)
def calibrate(exemplar_id: int):
    exemplar = db.session.get(CalibrationExemplar, exemplar_id) or abort(404)
    rubric = exemplar.rubric
    criteria = services.active_criteria(rubric)
    mine = calibration.graded_by(current_user).get(exemplar.id)
    form = rubric_form(rubric, criteria, comments=False)()
    missing, status = [], 200
    if mine is None and form.validate_on_submit():
        try:
            calibration.grade_exemplar(exemplar, grader=current_user, levels=levels_from(form, criteria))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            status = 409
        else:
            db.session.commit()
            flash("Calibration grade saved. Compare your levels with the reference below.", "success")
            return redirect(url_for("roleplay.calibrate", exemplar_id=exemplar.id))
    elif mine is None and form.is_submitted():
        missing, status = missing_from(form, criteria), 422
    return render_template("roleplay/calibrate.html", exemplar=exemplar, rubric=rubric, criteria=criteria,
                           form=form, mine=mine, missing=missing), status


@bp.get("/calibration/report")
@guard(policy.can_manage_calibration)
def calibration_report():
    course, rubric = _course_and_rubric()
    return render_template("roleplay/calibration_report.html", course=course, rubric=rubric,
                           rows=calibration.report(rubric), criteria=services.active_criteria(rubric),
                           thresholds=rubric.calibration or {})
