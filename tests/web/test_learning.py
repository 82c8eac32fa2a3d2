"""The trainee's week over HTTP: pacing, the week page, live sessions, attendance, quizzes."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import sqlalchemy as sa
from markupsafe import escape

from app.db import utcnow
from app.models import (
    Attendance,
    AuditEvent,
    LectureView,
    LiveSession,
    Module,
    Quiz,
    QuizAttempt,
    RecordingView,
    Role,
    User,
)
from tests import factories
from tests.conftest import QueryCounter, csrf_token, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post(client, url, data=None, page=None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, page or "/dashboard")})


def module(db, week) -> Module:
    return db.session.scalar(sa.select(Module).where(Module.week == week))


def test_a_locked_week_shows_only_its_title_and_opening_date(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    week6 = module(db, 6)
    page = client.get(f"/cohorts/{rc['cohort'].id}/weeks/6").get_data(as_text=True)
    assert week6.title.replace("'", "&#39;") in page
    assert "This week opens on" in page
    assert week6.objectives[0] not in page
    first_para = week6.lecture_md.split("\n\n")[1][:60]
    assert first_para not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureView)) == 0


def test_instructor_opens_a_week_early_for_their_cohort(running_cohort, app, db):
    rc = running_cohort
    url = f"/cohorts/{rc['cohort'].id}/weeks/6"
    teacher = signed_in(app, rc["instructor"])
    assert "Open week 6 now" in teacher.get(url).get_data(as_text=True)
    response = post(teacher, f"{url}/unlock", page=url)
    assert response.status_code == 302
    page = signed_in(app, rc["trainee"]).get(url).get_data(as_text=True)
    assert module(db, 6).objectives[0].replace("'", "&#39;") in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "week.unlocked_early"))
    assert event.after == {"week": 6} and event.actor_id == rc["instructor"].id


def test_a_lecture_counts_when_marked_read_at_its_end_not_when_opened(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    url = f"/cohorts/{rc['cohort'].id}/weeks/1"
    before = client.get("/dashboard").get_data(as_text=True)
    assert "Read the week 1 lecture" in before
    page = client.get(url).get_data(as_text=True)
    assert "<h2" in page and module(db, 1).objectives[0].replace("'", "&#39;") in page
    # the button comes after the lecture text; opening the page records nothing
    assert page.index("I have read this lecture") > page.index(module(db, 1).objectives[0].replace("'", "&#39;"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureView)) == 0
    assert "Read the week 1 lecture" in client.get("/dashboard").get_data(as_text=True)
    # without the CSRF token nothing is recorded
    client.post(f"{url}/read")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureView)) == 0
    done = client.post(f"{url}/read", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "You have read this lecture" in text and "I have read this lecture" not in text
    assert "In progress" in text
    again = client.post(f"{url}/read", data={"csrf_token": csrf_token(client, url)})
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureView)) == 1
    after = client.get("/dashboard").get_data(as_text=True)
    assert "Read the week 1 lecture" not in after
    assert "Take the week 1 quiz (80% to pass)." in after


def test_only_enrolled_trainees_mark_open_lectures_read(running_cohort, app, db):
    rc = running_cohort
    cid = rc["cohort"].id
    teacher = signed_in(app, rc["instructor"])
    assert "I have read this lecture" not in teacher.get(f"/cohorts/{cid}/weeks/1").get_data(as_text=True)
    assert post(teacher, f"/cohorts/{cid}/weeks/1/read").status_code == 403
    trainee = signed_in(app, rc["trainee"])
    assert post(trainee, f"/cohorts/{cid}/weeks/6/read").status_code == 403  # week 6 is still locked
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureView)) == 0


def test_join_link_is_for_enrolled_trainees_and_staff_only(running_cohort, app, db):
    rc = running_cohort
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 1))
    session.join_url = "https://video.example.org/secret-room"
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id)
    db.session.commit()
    url = f"/cohorts/{rc['cohort'].id}/weeks/1"
    assert "secret-room" in signed_in(app, rc["trainee"]).get(url).get_data(as_text=True)
    assert "secret-room" in signed_in(app, rc["instructor"]).get(url).get_data(as_text=True)
    assert "secret-room" not in signed_in(app, org_admin).get(url).get_data(as_text=True)


def test_live_session_time_is_shown_in_the_trainees_zone(running_cohort, app, db):
    rc = running_cohort
    rc["trainee"].timezone = "Europe/London"
    db.session.commit()
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 2))
    local = session.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    page = signed_in(app, rc["trainee"]).get(f"/cohorts/{rc['cohort'].id}/weeks/2").get_data(as_text=True)
    assert local.strftime("%-I:%M %p") in page and local.tzname() in page
    # the session's agenda, from the week's module.toml
    missing = [item for item in module(db, 2).live_agenda if str(escape(item)) not in page]
    assert missing == []


def test_ics_download_parses_and_matches_the_session(running_cohort, app, db):
    rc = running_cohort
    response = signed_in(app, rc["trainee"]).get(f"/cohorts/{rc['cohort'].id}/weeks/3/session.ics")
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    (event,) = cal.walk("VEVENT")
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 3))
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=session.duration_minutes)
    assert "Week 3 live session" in str(event["summary"])


def test_private_calendar_feed_works_and_can_be_revoked(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    profile = client.get("/account").get_data(as_text=True)
    feed = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', profile).group(1)
    anonymous = app.test_client()
    cal = icalendar.Calendar.from_ical(anonymous.get(feed).data)
    assert len(cal.walk("VEVENT")) == 12
    assert str(cal["x-wr-calname"]) == "Recovery Workforce Training live sessions"
    assert str(cal["prodid"]) == "-//Training Platform//Live sessions//EN"
    assert all(str(e["uid"]).endswith("@training-platform") for e in cal.walk("VEVENT"))
    assert anonymous.get(feed.replace(".ics", "x.ics")).status_code == 404
    post(client, "/account/calendar/reset", page="/account")
    assert anonymous.get(feed).status_code == 404
    new_feed = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"',
                         client.get("/account").get_data(as_text=True)).group(1)
    assert new_feed != feed and anonymous.get(new_feed).status_code == 200


def test_attendance_for_the_whole_cohort_on_one_page(running_cohort, app, db):
    rc = running_cohort
    url = f"/cohorts/{rc['cohort'].id}/weeks/2/attendance"
    teacher = signed_in(app, rc["instructor"])
    page = teacher.get(url).get_data(as_text=True)
    assert "Tara Trainee" in page and "Pat Peer" in page
    t, p = rc["trainee"].id, rc["peer"].id
    response = post(teacher, url, {f"status-{t}": "present", f"status-{p}": "excused"}, page=url)
    assert response.status_code == 302
    rows = {a.user_id: a.status.value for a in db.session.scalars(sa.select(Attendance))}
    assert rows == {t: "present", p: "excused"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attendance.recorded")) == 2
    # a stranger or a made-up status is refused, and nothing changes
    stranger = factories.make_user(Role.TRAINEE)
    db.session.commit()
    refused = post(teacher, url, {f"status-{t}": "absent", f"status-{stranger.id}": "present"}, page=url)
    assert "only be taken for trainees enrolled in this cohort" in refused.get_data(as_text=True)
    bad = post(teacher, url, {f"status-{t}": "asleep"}, page=url)
    assert "Choose a status from the list" in bad.get_data(as_text=True)
    assert {a.user_id: a.status.value for a in db.session.scalars(sa.select(Attendance))} == rows


def test_attendance_cannot_be_taken_before_the_session_starts(running_cohort, app, db):
    rc = running_cohort
    url = f"/cohorts/{rc['cohort'].id}/weeks/6/attendance"
    teacher = signed_in(app, rc["instructor"])
    assert "This session has not started yet" in teacher.get(url).get_data(as_text=True)
    refused = post(teacher, url, {f"status-{rc['trainee'].id}": "present"}, page=url)
    assert "has not started yet, so attendance cannot be taken" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attendance.recorded")) == 0
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 6))
    session.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert post(teacher, url, {f"status-{rc['trainee'].id}": "present"}, page=url).status_code == 302
    assert db.session.scalar(sa.select(Attendance)).status.value == "present"


def test_excused_trainee_makes_up_the_session_with_the_recording(running_cohort, app, db):
    rc = running_cohort
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 1))
    client = signed_in(app, rc["trainee"])
    url = f"/cohorts/{rc['cohort'].id}/weeks/1/recording-watched"
    refused = client.post(url, data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "This session has no recording yet." in refused.get_data(as_text=True)
    session.recording_url = "https://video.example.org/rec-1"
    session.starts_at = utcnow() - timedelta(days=2)
    db.session.commit()
    page = client.get(f"/cohorts/{rc['cohort'].id}/weeks/1").get_data(as_text=True)
    assert "I watched the recording" in page
    done = client.post(url, data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "counts toward your attendance" in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecordingView)) == 1


def test_instructor_edits_the_live_session_and_bad_links_are_refused(running_cohort, app, db):
    rc = running_cohort
    url = f"/cohorts/{rc['cohort'].id}/weeks/5/session"
    teacher = signed_in(app, rc["instructor"])
    bad = post(teacher, url, {"starts_local": "2026-12-02T17:30", "duration_minutes": "90",
                              "join_url": "javascript:alert(1)", "recording_url": ""}, page=url)
    text = bad.get_data(as_text=True)
    assert "https://" in text and 'value="2026-12-02T17:30"' in text
    ok = post(teacher, url, {"starts_local": "2026-12-02T17:30", "duration_minutes": "90",
                             "join_url": "https://video.example.org/w5", "recording_url": ""}, page=url)
    assert ok.status_code == 302
    session = db.session.scalar(sa.select(LiveSession).where(LiveSession.week == 5))
    assert session.starts_at.isoformat() == "2026-12-02T22:30:00+00:00"  # 17:30 EST
    assert session.join_url == "https://video.example.org/w5"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "live_session.updated"))
    assert event.before["join_url"] == "" and event.after["join_url"] == "https://video.example.org/w5"


def _take(client, cohort_id: int, week: int):
    return post(client, f"/cohorts/{cohort_id}/weeks/{week}/quiz/start", page=f"/cohorts/{cohort_id}/weeks/{week}/quiz")


def test_quiz_page_holds_no_answers_and_bad_submissions_record_nothing(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    start = _take(client, rc["cohort"].id, 1)
    attempt_url = start.headers["Location"]
    page = client.get(attempt_url).get_data(as_text=True)
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    for q in quiz.questions:
        for o in q.options:
            assert o["feedback"] not in page
    assert "correct" not in page.lower()
    answers = {f"q-{q.key}": [o["key"] for o in q.options if o["correct"]] for q in quiz.questions}
    first = quiz.questions[0]
    tampered = {**answers, f"q-{first.key}": ["o42"]}
    response = post(client, attempt_url, tampered, page=attempt_url)
    assert "not part of its question" in response.get_data(as_text=True)
    stored = db.session.scalar(sa.select(QuizAttempt))
    assert stored.submitted_at is None
    response = post(client, attempt_url, answers, page=attempt_url)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in result and "Passed" in result
    assert first.options[0]["feedback"] in result
    again = post(client, attempt_url, answers, page="/dashboard")
    assert again.status_code == 302 and again.headers["Location"].endswith("/result")


def test_quiz_refusals_locked_week_other_cohort_and_attempt_limit(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    locked = client.post(f"/cohorts/{rc['cohort'].id}/weeks/8/quiz/start",
                         data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "Week 8 is not open yet" in locked.get_data(as_text=True)
    outsider = factories.make_user(Role.TRAINEE)
    db.session.commit()
    assert _take(signed_in(app, outsider), rc["cohort"].id, 1).status_code == 404
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-02-quiz"))
    for _ in range(quiz.max_attempts):
        factories.make_attempt(quiz, rc["cohort"], rc["trainee"], submitted=True)
    db.session.commit()
    refused = client.post(f"/cohorts/{rc['cohort'].id}/weeks/2/quiz/start",
                          data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "You have used all 3 attempts" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == quiz.max_attempts
    withdrawn = rc["peer"]
    from app.models import Enrollment, EnrollmentStatus
    db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == withdrawn.id)).status = \
        EnrollmentStatus.WITHDRAWN
    db.session.commit()
    assert _take(signed_in(app, withdrawn), rc["cohort"].id, 1).status_code == 404


def test_instructor_sees_who_viewed_attempted_passed_and_who_is_behind(running_cohort, app, db):
    rc = running_cohort
    post(signed_in(app, rc["trainee"]), f"/cohorts/{rc['cohort'].id}/weeks/1/read")
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    factories.make_attempt(quiz, rc["cohort"], rc["trainee"], submitted=True, score_percent=90, passed=True)
    factories.take_part(factories.make_prompt_thread(rc["cohort"], 1), rc["trainee"], [rc["peer"]])
    db.session.commit()
    page = signed_in(app, rc["instructor"]).get(f"/cohorts/{rc['cohort'].id}/weeks/1/progress")
    text = page.get_data(as_text=True)
    tara = text[text.index("Tara Trainee"):text.index("</tr>", text.index("Tara Trainee"))]
    pat = text[text.index("Pat Peer"):text.index("</tr>", text.index("Pat Peer"))]
    assert "90%" in tara and "Complete" in tara
    assert "Week 1" not in tara.split("Complete")[-1]  # not behind on week 1
    assert "Weeks 1, 2, 3" in pat


def _dashboard_queries(app, db, user) -> int:
    client = signed_in(app, user)
    with QueryCounter(db.engine) as qc:
        assert client.get("/dashboard").status_code == 200
    return qc.count


def _week_queries(app, db, user, cohort) -> int:
    client = signed_in(app, user)
    client.get(f"/cohorts/{cohort.id}/weeks/1")  # warm up
    with QueryCounter(db.engine) as qc:
        assert client.get(f"/cohorts/{cohort.id}/weeks/1").status_code == 200
    return qc.count


def _small_course(weeks: int):
    course = factories.make_course(rules={"attendance": {"min_live_sessions": 1}})
    for w in range(1, weeks + 1):
        m = factories.make_module(course, w, lecture_md="# L\n\ntext")
        q = factories.make_quiz(m)
        factories.make_question(q)
    return course


def test_dashboard_and_week_queries_do_not_grow_with_weeks_trainees_or_attempts(app, db):
    counts = []
    for weeks, peers, attempts in ((2, 0, 0), (8, 6, 3)):
        course = _small_course(weeks)
        cohort = factories.make_cohort(course)
        trainee = factories.make_user(Role.TRAINEE)
        factories.make_enrollment(cohort, trainee)
        for _ in range(peers):
            factories.make_enrollment(cohort, factories.make_user(Role.TRAINEE))
        from app.learn.services import schedule_live_sessions
        schedule_live_sessions(cohort)
        for m in course.modules:
            for _ in range(attempts):
                factories.make_attempt(m.quizzes[0], cohort, trainee, submitted=True)
        db.session.commit()
        counts.append((_dashboard_queries(app, db, trainee), _week_queries(app, db, trainee, cohort)))
        db.session.execute(sa.delete(QuizAttempt))
        db.session.execute(sa.update(User).values(is_active=False))
        db.session.commit()
    assert counts[0] == counts[1], counts
    assert min(min(c) for c in counts) > 3  # the counter really counted


def _answers(quiz, right: bool) -> dict[str, list[str]]:
    out = {}
    for q in quiz.questions:
        keys = [o["key"] for o in q.options if o["correct"] is right]
        out[f"q-{q.key}"] = keys if right else keys[:1] or [q.options[0]["key"]]
    return out


def test_quiz_answers_stay_hidden_while_attempts_remain(running_cohort, app, db):
    from tests.conftest import set_course_rules

    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    feedback = [o["feedback"] for q in quiz.questions for o in q.options]
    attempt_url = _take(client, rc["cohort"].id, 1).headers["Location"]
    result_url = post(client, attempt_url, _answers(quiz, right=False), page=attempt_url).headers["Location"]
    hidden = client.get(result_url).get_data(as_text=True)
    assert "0%" in hidden and "Not passed yet" in hidden and "Not correct" in hidden
    assert "Correct option" not in hidden and not any(f.replace("'", "&#39;") in hidden for f in feedback)
    assert "shown once you pass this quiz or have used all your attempts" in hidden
    assert "Your answer:" in hidden and "2 attempts left" in hidden
    # the cohort's instructor reviews the attempt with its answers
    teacher = signed_in(app, rc["instructor"]).get(result_url).get_data(as_text=True)
    assert "Correct option" in teacher
    # a program that always shows answers
    set_course_rules(db, rc["course"], "quizzes", reveal_answers="always")
    assert "Correct option" in client.get(result_url).get_data(as_text=True)
    # after_pass: a trainee who used every attempt without passing never sees them
    set_course_rules(db, rc["course"], "quizzes", reveal_answers="after_pass")
    for _ in range(2):
        url = _take(client, rc["cohort"].id, 1).headers["Location"]
        post(client, url, _answers(quiz, right=False), page=url)
    last = client.get(result_url).get_data(as_text=True)
    assert "No attempts are left" in last and "Correct option" not in last and "once you pass this quiz" in last


def test_timed_attempt_shows_time_left_and_a_late_submission_does_not_count(running_cohort, app, db):
    from tests.conftest import set_course_rules

    rc = running_cohort
    set_course_rules(db, rc["course"], "quizzes", time_limit_minutes=10)
    client = signed_in(app, rc["trainee"])
    quiz_page = client.get(f"/cohorts/{rc['cohort'].id}/weeks/1/quiz").get_data(as_text=True)
    assert "10 minutes per attempt" in quiz_page
    attempt_url = _take(client, rc["cohort"].id, 1).headers["Location"]
    page = client.get(attempt_url).get_data(as_text=True)
    assert "Time left: <span data-countdown=" in page and "10 minutes" in page and "countdown.js" in page
    stored = db.session.scalar(sa.select(QuizAttempt))
    stored.due_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert "Time is up." in client.get(attempt_url).get_data(as_text=True)
    assert "Its time is up" in client.get(f"/cohorts/{rc['cohort'].id}/weeks/1/quiz").get_data(as_text=True)
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    result = post(client, attempt_url, _answers(quiz, right=True), page=attempt_url)
    text = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "100%" in text and "Late: does not count" in text and "Passed" not in text
    quiz_page = client.get(f"/cohorts/{rc['cohort'].id}/weeks/1/quiz").get_data(as_text=True)
    assert "100% · late, does not count" in quiz_page and "No attempt yet" in quiz_page
    assert "Start attempt 2" in quiz_page
