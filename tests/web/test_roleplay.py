"""Role-plays over HTTP: scenario page, submission and uploads, Range streaming, grading, gradebook, calibration."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from app.models import (
    AuditEvent,
    CalibrationExemplar,
    CalibrationGrade,
    Module,
    Recording,
    Role,
    RolePlaySubmission,
    RubricGrade,
    Scenario,
    SubmissionStatus,
)
from tests import factories
from tests.conftest import csrf_token, login, set_role_play_rules

KEYS = ["engagement-rapport", "questions-reflections", "empathy-validation", "collaboration-autonomy-goals",
        "role-boundaries-ethics", "safety-escalation", "cultural-humility"]
PASS_LEVELS = dict(zip(KEYS, [4, 4, 3, 4, 3, 3, 4], strict=True))
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post(client, url, data=None, **kw):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/dashboard")}, **kw)


def grade_data(levels, version, **extra):
    data = {f"level-{k}": str(v) for k, v in levels.items()}
    return {**data, "version": str(version), "overall_comment": "Overall, warm and calm.", **extra}


def submit_url(rc, week=6):
    return f"/cohorts/{rc['cohort'].id}/weeks/{week}/role-play/submit"


def only_submission(db) -> RolePlaySubmission:
    db.session.expire_all()
    return db.session.scalar(sa.select(RolePlaySubmission))


def test_scenario_page_shows_roles_briefs_and_the_crisis_choices(app, roleplay_cohort, db):
    rc = roleplay_cohort
    client = signed_in(app, rc["trainee"])
    week = client.get(f"/cohorts/{rc['cohort'].id}/weeks/9").get_data(as_text=True)
    assert f'href="/cohorts/{rc["cohort"].id}/weeks/9/role-play"' in week
    page = client.get(f"/cohorts/{rc['cohort'].id}/weeks/9/role-play").get_data(as_text=True)
    for text in ("Content note", "Your choices", "Observer role", "Lower-intensity script", "Setting",
                 "Which role are you playing?", "Debrief questions", "Mentee (Jordan, 15)"):
        assert text in page, text
    assert "Submit your role-play" in page
    summative = client.get(f"/cohorts/{rc['cohort'].id}/weeks/6/role-play").get_data(as_text=True)
    assert "Assessed (summative)" in summative and "Mean level at least 2.75." in summative


def test_trainee_submits_a_transcript_and_reflection_that_stays_private(app, roleplay_cohort, db):
    rc = roleplay_cohort
    client = signed_in(app, rc["trainee"])
    response = post(client, submit_url(rc), {"transcript": "**Mentor:** Hi Devon.", "reflection": "I rushed in.",
                                             "script": "alternative"})
    assert response.status_code == 302
    sub = only_submission(db)
    assert (sub.attempt, sub.script, sub.status) == (1, "alternative", SubmissionStatus.AWAITING_GRADE)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Mentor:</strong> Hi Devon." in page and "I rushed in." in page
    assert "Waiting to be graded" in page
    grader = signed_in(app, rc["grader_a"]).get(f"/role-play/submissions/{sub.id}").get_data(as_text=True)
    assert "I rushed in." in grader
    admin_user = factories.make_user(Role.ADMIN)
    db.session.commit()
    admin = signed_in(app, admin_user).get(f"/role-play/submissions/{sub.id}")
    assert admin.status_code == 200 and "I rushed in." not in admin.get_data(as_text=True)
    assert signed_in(app, rc["peer"]).get(f"/role-play/submissions/{sub.id}").status_code == 404


def files_in(directory) -> list[str]:
    """Every file under the upload folder, the temporary `.incoming/` included."""
    return sorted(p.name for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def test_a_recording_is_stored_under_a_generated_name_and_streamed_with_range(app, roleplay_cohort, db):
    rc = roleplay_cohort
    client = signed_in(app, rc["trainee"])
    response = post(client, submit_url(rc), {"recording": (io.BytesIO(MP4), "my session.mp4"), "consent": "y"},
                    content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    rec = db.session.scalar(sa.select(Recording))
    assert files_in(rc["upload_dir"]) == [rec.stored_name] and "my session" not in rec.stored_name
    assert "static" not in str(rc["upload_dir"])
    url = f"/role-play/submissions/{rec.submission_id}/recording"
    with client.get(url) as full:
        assert full.status_code == 200 and full.data == MP4
    assert full.headers["Content-Type"] == "video/mp4"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert full.headers["Content-Disposition"].startswith("attachment;")
    assert full.headers["Accept-Ranges"] == "bytes"
    with client.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"
        assert part.data == MP4[100:200]
    with client.get(url, headers={"Range": f"bytes={len(MP4) + 10}-"}) as unsatisfiable:
        assert unsatisfiable.status_code == 416
    with signed_in(app, rc["grader_a"]).get(url) as grader:
        assert grader.status_code == 200
    assert signed_in(app, rc["peer"]).get(url).status_code == 404
    # every read is on the audit log, a range that skips the first byte too, with who and which part
    with client.get(url, headers={"Range": "bytes=1-"}) as nearly_all:
        assert nearly_all.status_code == 206
    reads = db.session.execute(sa.select(AuditEvent.actor_id, AuditEvent.after).where(
        AuditEvent.action == "recording.accessed").order_by(AuditEvent.id)).all()
    trainee, grader = rc["trainee"].id, rc["grader_a"].id
    assert [(who, (after or {}).get("range")) for who, after in reads] == [
        (trainee, None), (trainee, "bytes=100-199"), (trainee, f"bytes={len(MP4) + 10}-"), (grader, None),
        (trainee, "bytes=1-")]


def test_a_fake_video_is_refused_and_nothing_is_stored(app, roleplay_cohort, db):
    rc = roleplay_cohort
    client = signed_in(app, rc["trainee"])
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    response = post(client, submit_url(rc), {"recording": (fake, "clip.mp4"), "consent": "y",
                                             "transcript": "What I typed"}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not an audio or video recording" in page and "Nothing was saved" in page
    assert "What I typed" in page  # the transcript is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RolePlaySubmission)) == 0
    assert files_in(rc["upload_dir"]) == []


def test_a_recording_over_the_limit_is_refused_with_413(app, roleplay_cohort, db, monkeypatch):
    rc = roleplay_cohort
    client = signed_in(app, rc["trainee"])
    monkeypatch.setitem(app.config, "RECORDING_MAX_BYTES", 1024)
    response = post(client, submit_url(rc), {"recording": (io.BytesIO(MP4), "a.mp4"), "consent": "y"},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "over the 0.000976562 MB limit. Nothing was saved" in response.get_data(as_text=True)
    # and the whole request is cut off early when it is larger than MAX_CONTENT_LENGTH
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1500)
    response = post(client, submit_url(rc), {"recording": (io.BytesIO(MP4 * 2), "a.mp4"), "consent": "y"},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RolePlaySubmission)) == 0
    assert files_in(rc["upload_dir"]) == []


def test_a_recording_needs_consent(app, roleplay_cohort, db):
    rc = roleplay_cohort
    response = post(signed_in(app, rc["trainee"]), submit_url(rc), {"recording": (io.BytesIO(MP4), "a.mp4")},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Confirm that everyone in the recording agreed" in response.get_data(as_text=True)


def _submitted(app, rc, db, week=6):
    post(signed_in(app, rc["trainee"]), submit_url(rc, week), {"transcript": "Transcript text.",
                                                               "reflection": "Private thoughts."})
    return only_submission(db)


def test_an_incomplete_rubric_lists_the_missing_criteria_and_keeps_what_was_typed(app, roleplay_cohort, db):
    rc = roleplay_cohort
    sub = _submitted(app, rc, db)
    client = signed_in(app, rc["grader_a"])
    partial = {k: v for k, v in PASS_LEVELS.items() if k != "cultural-humility"}
    response = post(client, f"/role-play/submissions/{sub.id}/grade",
                    grade_data(partial, sub.version, **{"comment-engagement-rapport": "Lovely opening."}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The rubric is incomplete. Choose a level for: Cultural humility." in page
    assert "Lovely opening." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricGrade)) == 0


def test_two_instructors_saving_at_once_one_is_saved_the_other_keeps_their_text(app, roleplay_cohort, db):
    rc = roleplay_cohort
    set_role_play_rules(db, rc["course"], double_mark_share=0)
    sub = _submitted(app, rc, db)
    a, b = signed_in(app, rc["grader_a"]), signed_in(app, rc["grader_b"])
    url = f"/role-play/submissions/{sub.id}/grade"
    seen = re.search(r'name="version" type="hidden" value="(\d+)"', b.get(url).get_data(as_text=True)).group(1)
    assert post(a, url, grade_data(PASS_LEVELS, seen)).status_code == 302
    response = post(b, url, grade_data(PASS_LEVELS, seen, overall_comment="My careful overall note."))
    assert response.status_code in (302, 409)
    if response.status_code == 302:  # the page sends them back: the grade is final, nothing of theirs was saved
        assert "final grade already" in b.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricGrade)) == 1


def test_a_conflicting_save_is_told_and_the_typed_grade_is_kept(app, roleplay_cohort, db):
    rc = roleplay_cohort
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)
    sub = _submitted(app, rc, db)
    url, seen = f"/role-play/submissions/{sub.id}/grade", sub.version
    a, b = signed_in(app, rc["grader_a"]), signed_in(app, rc["grader_b"])
    assert post(a, url, grade_data(PASS_LEVELS, seen)).status_code == 302
    response = post(b, url, grade_data(PASS_LEVELS, seen, overall_comment="My careful overall note."))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Another instructor saved a grade on this submission" in page
    assert "My careful overall note." in page
    assert 'value="4" checked' in page or "checked" in page


def test_second_grader_is_blind_and_the_trainee_sees_the_released_grade(app, roleplay_cohort, db):
    rc = roleplay_cohort
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)
    sub = _submitted(app, rc, db)
    url = f"/role-play/submissions/{sub.id}/grade"
    first = signed_in(app, rc["grader_a"])
    assert post(first, url, grade_data(PASS_LEVELS, 1, overall_comment="FIRST-GRADER-NOTE")).status_code == 302
    trainee = signed_in(app, rc["trainee"])
    assert "FIRST-GRADER-NOTE" not in trainee.get(f"/role-play/submissions/{sub.id}").get_data(as_text=True)
    second = signed_in(app, rc["grader_b"])
    queue = second.get("/grading").get_data(as_text=True)
    assert 'Awaiting second marking <span class="count">(1)</span>' in queue
    page = second.get(url).get_data(as_text=True)
    assert "second grader" in page and "FIRST-GRADER-NOTE" not in page
    version = only_submission(db).version
    assert post(second, url, grade_data(PASS_LEVELS, version)).status_code == 302
    released = trainee.get(f"/role-play/submissions/{sub.id}").get_data(as_text=True)
    assert "Pass" in released and "Double-marked: both graders agreed" in released
    assert "FIRST-GRADER-NOTE" in released  # the deciding grade's feedback


def test_grading_outside_ones_cohorts_or_ones_own_work_is_refused(app, roleplay_cohort, db):
    rc = roleplay_cohort
    sub = _submitted(app, rc, db)
    stranger = factories.make_user(Role.INSTRUCTOR)
    db.session.commit()
    client = signed_in(app, stranger)
    assert client.get(f"/role-play/submissions/{sub.id}/grade").status_code == 404
    assert post(client, f"/role-play/submissions/{sub.id}/grade", grade_data(PASS_LEVELS, 1)).status_code == 404
    assert "Nothing is waiting" in client.get("/grading").get_data(as_text=True)
    own = factories.make_submission(db.session.get(Scenario, sub.scenario_id), rc["cohort"], rc["grader_a"])
    db.session.commit()
    grader = signed_in(app, rc["grader_a"])
    assert grader.get(f"/role-play/submissions/{own.id}/grade").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricGrade)) == 0


def test_gradebook_shows_quiz_bests_and_role_play_outcomes_and_exports_safe_csv(app, roleplay_cohort, db):
    rc = roleplay_cohort
    rc["peer"].name = "=HYPERLINK(\"http://evil\")"
    quiz = db.session.scalar(sa.select(Module).where(Module.week == 1)).quizzes[0]
    factories.make_attempt(quiz, rc["cohort"], rc["trainee"], submitted=True, score_percent=90, passed=True)
    db.session.commit()
    _submitted(app, rc, db)
    client = signed_in(app, rc["instructor"])
    page = client.get(f"/cohorts/{rc['cohort'].id}/gradebook").get_data(as_text=True)
    assert "Week 1 quiz" in page and "90%" in page and "Waiting to be graded (attempt 1)" in page
    csv = client.get(f"/cohorts/{rc['cohort'].id}/gradebook.csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in csv.headers["Content-Disposition"]
    text = csv.get_data(as_text=True)
    assert text.splitlines()[0].startswith("Trainee,Email,Week 1 quiz,Week 1 role-play")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert signed_in(app, rc["trainee"]).get(f"/cohorts/{rc['cohort'].id}/gradebook.csv").status_code == 403


def test_calibration_exemplar_blind_grading_and_agreement_report(app, roleplay_cohort, db):
    rc = roleplay_cohort
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    boss = signed_in(app, admin)
    missing = post(boss, "/calibration/exemplars/new", {"title": "Devon, weak", "scenario": "0",
                                                          "transcript": "M: calm down"})
    assert missing.status_code == 422
    assert "Choose a level for: Engagement and rapport" in missing.get_data(as_text=True)
    reference = dict(zip(KEYS, [1, 2, 3, 4, 3, 2, 1], strict=True))
    data = {"title": "Devon, weak", "scenario": "0", "transcript": "M: calm down",
            **{f"level-{k}": str(v) for k, v in reference.items()}}
    assert post(boss, "/calibration/exemplars/new", data).status_code == 302
    exemplar = db.session.scalar(sa.select(CalibrationExemplar))
    grader = signed_in(app, rc["grader_a"])
    blind = grader.get(f"/calibration/exemplars/{exemplar.id}/grade").get_data(as_text=True)
    assert "Reference" not in blind
    mine = dict(zip(KEYS, [2, 3, 4, 4, 4, 3, 2], strict=True))  # one level above on six of seven
    assert post(grader, f"/calibration/exemplars/{exemplar.id}/grade",
                {f"level-{k}": str(v) for k, v in mine.items()}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalibrationGrade)) == 1
    assert "Reference" in grader.get(f"/calibration/exemplars/{exemplar.id}/grade").get_data(as_text=True)
    report = boss.get("/calibration/report").get_data(as_text=True)
    assert "Gil Grader" in report
    assert "14%" in report and "100%" in report  # exact 1/7, exact-or-adjacent 7/7
    assert "Below threshold" in report  # kappa over all criteria is below 0.60


def _require_calibration(db, course, **calibration):
    from app.roleplay.services import rubric_for

    rubric = rubric_for(course.id)
    rubric.calibration = {**(rubric.calibration or {}), **calibration}
    db.session.commit()
    return rubric


def test_an_uncalibrated_grader_grades_formatives_but_is_told_why_not_summatives(app, roleplay_cohort, db):
    rc = roleplay_cohort
    rubric = _require_calibration(db, rc["course"], required_exemplars=3)
    summative = _submitted(app, rc, db, week=6)
    formative = factories.make_submission(
        db.session.scalar(sa.select(Scenario).join(Module).where(Module.week == 9)), rc["cohort"], rc["trainee"])
    db.session.commit()
    grader = signed_in(app, rc["grader_a"])
    queue = grader.get("/grading").get_data(as_text=True)
    assert "Calibrate first: why?" in queue and "1 assessed role-play below needs a calibrated grader" in queue
    assert f"/role-play/submissions/{formative.id}/grade" in queue
    refused = grader.get(f"/role-play/submissions/{summative.id}/grade")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "You cannot grade this assessed role-play yet" in text
    assert "0 of the 3 required calibration exemplars graded" in text and "Save grade" not in text
    posted = post(grader, f"/role-play/submissions/{summative.id}/grade", grade_data(PASS_LEVELS, summative.version))
    assert posted.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RubricGrade)) == 0
    assert "Save grade" in grader.get(f"/role-play/submissions/{formative.id}/grade").get_data(as_text=True)
    # grading three exemplars in agreement with the reference opens summatives
    admin = factories.make_user(Role.ADMIN)
    for levels in ([1, 2, 3, 4, 3, 2, 1], [4, 3, 2, 1, 2, 3, 4], [4, 4, 3, 4, 3, 3, 4]):
        ex = factories.make_exemplar(rubric, admin, reference_levels=dict(zip(KEYS, levels, strict=True)))
        db.session.add(CalibrationGrade(exemplar_id=ex.id, grader_id=rc["grader_a"].id,
                                        levels=dict(zip(KEYS, levels, strict=True))))
    db.session.commit()
    assert "Save grade" in grader.get(f"/role-play/submissions/{summative.id}/grade").get_data(as_text=True)
    assert "calibrate first" not in grader.get("/grading").get_data(as_text=True)
    # the admin sees each grader's standing on the report
    report = signed_in(app, admin).get("/calibration/report").get_data(as_text=True)
    assert re.search(r"Gil Grader</a></th><td>3</td>\s*<td>May grade</td>", report)
    assert re.search(r"Hana Second</a></th><td>0</td>\s*<td>Formative only: 0 of the 3 required calibration "
                     r"exemplars graded</td>", report)
    assert 'Hana Second <span class="tag tag-bad">Not yet calibrated</span>' in report


def test_a_grader_below_the_agreement_threshold_may_not_grade_summatives(app, roleplay_cohort, db):
    from app.roleplay import grading

    rc = roleplay_cohort
    rubric = _require_calibration(db, rc["course"], min_exact_or_adjacent=0.8)
    summative = _submitted(app, rc, db, week=6)
    admin = factories.make_user(Role.ADMIN)
    ex = factories.make_exemplar(rubric, admin, reference_levels=dict(zip(KEYS, [1, 1, 1, 1, 1, 1, 1], strict=True)))
    db.session.add(CalibrationGrade(exemplar_id=ex.id, grader_id=rc["grader_a"].id,
                                    levels=dict(zip(KEYS, [4, 4, 4, 4, 4, 4, 1], strict=True))))
    db.session.commit()
    text = signed_in(app, rc["grader_a"]).get(f"/role-play/submissions/{summative.id}/grade").get_data(as_text=True)
    assert "Exact-or-adjacent agreement 14% is below 80% (over all criteria)" in text
    # the service refuses too, whatever page sent it
    with __import__("pytest").raises(grading.GradingRefused, match="cannot grade assessed"):
        grading.save_grade(summative, rc["cohort"], rubric, grader=rc["grader_a"], levels=PASS_LEVELS, comments={},
                           overall="", expected_version=summative.version, mail_backend="console")
    # someone who graded no exemplar is not judged on agreement alone
    assert "Save grade" in signed_in(app, rc["grader_b"]).get(
        f"/role-play/submissions/{summative.id}/grade").get_data(as_text=True)
