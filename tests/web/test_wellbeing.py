"""Private check-ins and the journal: the trainee's alone, their schedule from the program's files."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.models import JournalEntry, Role, WellbeingCheckin
from app.wellbeing import checkin as questions
from tests import factories
from tests.conftest import csrf_token, login, set_course_rules

NOTE = "NOTE-ONLY-MINE-7731"
ENTRY = "JOURNAL-ONLY-MINE-5512"


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302, user
    return client


def answer(client, cohort, values=(4, 3, 2, 4, 3), *, talk=False, note=""):
    data = {f"c{cohort.id}-{k}": str(v) for k, v in zip(questions.KEYS, values, strict=True)}
    data |= {f"c{cohort.id}-note": note, f"c{cohort.id}-csrf_token": csrf_token(client, "/wellbeing/")}
    if talk:
        data[f"c{cohort.id}-talk"] = "y"
    return client.post(f"/wellbeing/cohorts/{cohort.id}/checkin", data=data)


def add_checkin(db, trainee, cohort, week, values):
    db.session.add(WellbeingCheckin(user_id=trainee.id, cohort_id=cohort.id, week=week,
                                    answers=dict(zip(questions.KEYS, values, strict=True))))
    db.session.commit()


def test_a_trainee_checks_in_each_week_and_sees_their_own_trend(running_cohort, app, db):
    rc = running_cohort
    cohort, trainee = rc["cohort"], rc["trainee"]
    add_checkin(db, trainee, cohort, 2, (4, 4, 4, 4, 4))
    add_checkin(db, trainee, cohort, 3, (4, 4, 4, 4, 4))
    client = signed_in(app, trainee)
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "Week 4 check-in" in page and "How have you been sleeping?" in page
    assert "not a test or a clinical measure" in page and "does not count toward your certificate" in page
    response = answer(client, cohort, (3, 3, 2, 4, 3), note=NOTE)
    assert response.status_code == 302
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "You checked in this week" in page
    row = db.session.scalar(sa.select(WellbeingCheckin).where(WellbeingCheckin.week == 4))
    assert row.answers == {"energy": 3, "load": 3, "sleep": 2, "support": 4, "after_hours": 3}
    assert row.note == NOTE
    # the trend: an SVG and a table of the three weeks, with plain notes
    assert "<svg" in page and ">W2<" in page and ">W3<" in page and ">W4<" in page
    assert "Week 4</th><td>3.0</td>" in page and "Poorly (2)" in page
    assert "Week 4 was harder than week 3 by your answers." in page
    assert "In week 4, sleep was your lowest answer." in page
    assert "not a clinical measure" in page


def test_answering_again_changes_the_same_week(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    answer(client, rc["cohort"], (1, 1, 1, 1, 1))
    answer(client, rc["cohort"], (5, 5, 5, 5, 5))
    rows = db.session.scalars(sa.select(WellbeingCheckin)).all()
    assert [(r.week, r.answers["energy"]) for r in rows] == [(4, 5)]


def test_an_incomplete_check_in_is_refused_and_nothing_is_kept(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    data = {f"c{rc['cohort'].id}-energy": "3", f"c{rc['cohort'].id}-sleep": "9",
            f"c{rc['cohort'].id}-csrf_token": csrf_token(client, "/wellbeing/")}
    response = client.post(f"/wellbeing/cohorts/{rc['cohort'].id}/checkin", data=data)
    assert response.status_code == 400
    assert "Please choose one." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WellbeingCheckin)) == 0


def test_a_heavy_week_offers_the_crisis_lines_at_once_without_alarm(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    answer(client, rc["cohort"], (4, 4, 4, 4, 4))
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "You don't have to carry this alone" not in page
    answer(client, rc["cohort"], (4, 4, 4, 4, 4), talk=True)  # asked to talk
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "You don't have to carry this alone" in page and 'href="tel:988"' in page and 'href="tel:911"' in page
    answer(client, rc["cohort"], (1, 4, 1, 4, 4))  # two answers at the hardest step
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "You don't have to carry this alone" in page
    for word in ("risk", "alarm", "warning", "emergency detected"):
        assert word not in page.lower().split("<footer")[0], word


def test_the_program_files_choose_whether_there_is_a_check_in(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    assert "Week 4 check-in" in client.get("/wellbeing/").get_data(as_text=True)
    set_course_rules(db, rc["course"], "wellbeing", checkin="off")
    page = client.get("/wellbeing/").get_data(as_text=True)
    assert "Week 4 check-in" not in page and "None of your programs has a check-in" in page
    assert answer(client, rc["cohort"]).status_code == 404
    set_course_rules(db, rc["course"], "wellbeing", checkin="weekly")
    assert answer(client, rc["cohort"]).status_code == 302


def test_the_weeks_the_program_names_lead_a_trainee_to_their_check_ins(running_cohort, app, db, course):
    from app.curriculum.schema import CourseFile

    rc = running_cohort
    assert course.rules["wellbeing"]["history_weeks"] == [11]  # the burnout week, from the course files
    week4 = f"/cohorts/{rc['cohort'].id}/weeks/4"
    trainee, instructor = signed_in(app, rc["trainee"]), signed_in(app, rc["instructor"])
    assert "Your own check-ins" not in trainee.get(week4).get_data(as_text=True)
    set_course_rules(db, rc["course"], "wellbeing", history_weeks=[4])
    page = trainee.get(week4).get_data(as_text=True)
    assert "Your own check-ins" in page and "Only you can see them" in page and 'href="/wellbeing/#cohort-' in page
    assert "Your own check-ins" not in instructor.get(week4).get_data(as_text=True)
    # the files are checked: a link to check-ins a program does not have is refused
    with pytest.raises(ValueError, match="history_weeks links to check-ins"):
        CourseFile.model_validate({**_course_toml(), "wellbeing": {"checkin": "off", "history_weeks": [3]}})


def _course_toml() -> dict:
    import tomllib

    from tests.conftest import COURSE_DIR

    return tomllib.loads((COURSE_DIR / "course.toml").read_text())


def test_check_ins_never_change_what_is_left_for_the_certificate(running_cohort, app, db):
    from app.certificates.services import requirements_for

    rc = running_cohort
    before = [(r.key, r.met, r.missing) for r in requirements_for(rc["trainee"], rc["cohort"])]
    answer(signed_in(app, rc["trainee"]), rc["cohort"], (1, 1, 1, 1, 1), talk=True)
    db.session.expire_all()
    assert [(r.key, r.met, r.missing) for r in requirements_for(rc["trainee"], rc["cohort"])] == before


def test_the_journal_is_written_edited_deleted_and_exported_by_its_writer(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    token = csrf_token(client, "/wellbeing/journal")
    assert client.post("/wellbeing/journal", data={"body": "   ", "csrf_token": token}).status_code == 400
    client.post("/wellbeing/journal", data={"body": f"Week 4 was a lot. {ENTRY}", "csrf_token": token})
    entry = db.session.scalar(sa.select(JournalEntry))
    assert ENTRY in client.get("/wellbeing/journal").get_data(as_text=True)
    client.post(f"/wellbeing/journal/{entry.id}", data={"body": f"Edited. {ENTRY}", "csrf_token": token})
    answer(client, rc["cohort"], note=NOTE)
    exported = client.get("/wellbeing/export.json")
    assert exported.mimetype == "application/json" and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.get_data(as_text=True))
    assert [e["text"] for e in data["journal"]] == [f"Edited. {ENTRY}"]
    assert data["checkins"][0]["week"] == 4 and data["checkins"][0]["note"] == NOTE
    assert data["checkins"][0]["answers"]["sleep"] == 2
    text = client.get("/wellbeing/export.txt").get_data(as_text=True)
    assert f"Edited. {ENTRY}" in text and "How have you been sleeping? Poorly (2/5)" in text and NOTE in text
    assert client.get("/wellbeing/export.pdf").status_code == 404
    client.post(f"/wellbeing/journal/{entry.id}/delete", data={"csrf_token": token})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 0


def test_check_ins_and_journal_are_the_trainees_alone(supervised, app, db):
    """The privacy matrix: the trainee themselves, another trainee of the same cohort, the cohort's
    instructor, the trainee's supervisor, their organization's admin and a platform admin."""
    rc = supervised
    trainee, cohort = rc["trainee"], rc["cohort"]
    client = signed_in(app, trainee)
    answer(client, cohort, note=NOTE)
    client.post("/wellbeing/journal", data={"body": ENTRY, "csrf_token": csrf_token(client, "/wellbeing/journal")})
    entry_id = db.session.scalar(sa.select(JournalEntry.id))
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    personas = {"trainee": trainee, "other_trainee": rc["peer"], "instructor": rc["instructor"],
                "supervisor": rc["supervisor"], "org_admin": rc["org_admin"], "admin": admin}
    own_pages = ["/wellbeing/", "/wellbeing/journal", "/wellbeing/export.json", "/wellbeing/export.txt"]
    entry_pages = [f"/wellbeing/journal/{entry_id}"]
    expected = {"trainee": (200, 200), "other_trainee": (200, 404), "instructor": (403, 403),
                "supervisor": (403, 403), "org_admin": (403, 403), "admin": (403, 403)}
    for name, user in personas.items():
        c = signed_in(app, user)
        for path in own_pages + entry_pages:
            response = c.get(path)
            want = expected[name][1] if path in entry_pages else expected[name][0]
            assert response.status_code == want, (name, path, response.status_code)
            body = response.get_data(as_text=True)
            if name != "trainee":
                assert NOTE not in body and ENTRY not in body, (name, path)
        if name == "trainee":
            continue
        token = csrf_token(c)
        delete = c.post(f"/wellbeing/journal/{entry_id}/delete", data={"csrf_token": token})
        checkin = c.post(f"/wellbeing/cohorts/{cohort.id}/checkin", data={"csrf_token": token})
        # another trainee: the entry is not theirs (404), and a check-in they post is their own (an empty one is
        # refused); staff: no such page (403)
        assert (delete.status_code, checkin.status_code) == ((404, 400) if name == "other_trainee" else (403, 403)), name
        # staff pages about this trainee and cohort show nothing of it either
        for path in (f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/weeks/4", f"/partners/cohorts/{cohort.id}",
                     f"/partners/cohorts/{cohort.id}/export.csv", f"/supervision/trainees/{trainee.id}/ledger",
                     "/dashboard"):
            body = c.get(path).get_data(as_text=True)
            assert NOTE not in body and ENTRY not in body, (name, path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 1
    assert [(c.user_id, c.note) for c in db.session.scalars(sa.select(WellbeingCheckin))] == [(trainee.id, NOTE)]
