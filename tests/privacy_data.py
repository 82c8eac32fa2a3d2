"""A person with data in every table the privacy registry links to a person, and another person with the
same kinds of data beside them: for the export and erasure tests.

The person is the `nearly_complete` trainee (Cora Complete), given a certificate through the real issuing
service, posts and @mentions through the discussion services, a roster upload, mail, a recording on disk,
and, so that every table has a row, rows where they acted on the other person's records (a grade they
gave, a post they hid...). The other person (Piper Peer) writes text marked OTHER_SECRET, which must never
appear in the person's archive.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.certificates import services as certificates
from app.certificates import shares
from app.db import utcnow
from app.discuss import notify
from app.discuss import services as discuss
from app.models import (
    Accommodation,
    Attendance,
    AttendanceStatus,
    CalibrationGrade,
    CohortInstructor,
    Deferral,
    GradeRole,
    GrantedException,
    HoursStatement,
    JobRun,
    LiveSession,
    LtiIdentity,
    LtiPlatform,
    LtiResourceLink,
    MailSuppression,
    Recording,
    RecordingView,
    Role,
    RolePlaySubmission,
    RubricGrade,
    SeatChange,
    ThreadRead,
    User,
    WeekUnlock,
)
from app.models.exceptions import ExceptionKind
from app.privacy.registry import Link
from tests import factories
from tests.conftest import issuer_settings

OTHER_SECRET = "PIPER-PRIVATE-TEXT"


def build(nc: dict, app, db, upload_dir) -> dict:
    person = nc["trainee"]
    other = db.session.scalar(sa.select(User).where(User.name == "Piper Peer"))
    cohort, lead, supervisor = nc["cohort"], nc["lead"], nc["supervisor"]
    name, email = person.name, person.email
    admin = factories.make_user(Role.ADMIN, name="Ada Admin")
    db.session.commit()

    # a certificate, through the issuing service (audit entry, snapshot, signed credential, mail to them)
    certificates.sign_conduct(person, cohort)
    certificates.final_signoff(person, cohort, lead)
    (cert,) = certificates.issue_due([person.id], issuer_settings(app))
    db.session.add(JobRun(job="certificates", status="ok", summary=f"1 certificate(s) issued: {cert.serial} {name}"))

    # discussion: their thread, a post @mentioning them by full and by first name, replies, a report, reads
    thread = discuss.start_thread(cohort, 2, author=person, title=f"A question from {name}",
                                  body="How do you open a first meeting?", max_chars=20000).thread
    members = notify.cohort_members(cohort)
    link_for = lambda post: f"http://localhost/posts/{post.id}"  # noqa: E731
    for body in (f"Thanks @{name}, and welcome. {OTHER_SECRET}", "Good point @Cora, I agree."):
        post = discuss.add_post(thread, author=other, body=body, max_chars=20000)
        notify.notify_post(post, members=members, mail_backend="outbox", link_for=link_for)
    other_post = post
    mine = discuss.add_post(thread, author=person, body=f"I am {name}; write to me at {email}.", max_chars=20000,
                            parent=other_post)
    notify.notify_post(mine, members=members, mail_backend="outbox", link_for=link_for)
    discuss.report_post(other_post, reporter=person, reason="Off topic, says Cora Complete.")
    db.session.add(ThreadRead(thread_id=thread.id, user_id=person.id, last_post_id=mine.id))
    notify.save_preferences(person, replies=True, mentions=True, followed=False, email_mode=notify.EmailMode.DAILY)
    other_thread = factories.make_thread(cohort, 3, title=f"Piper's thread {OTHER_SECRET}", author_id=other.id)
    hidden = factories.make_post(other_thread, other, body_md=f"Hidden words {OTHER_SECRET}", hidden_by_id=person.id,
                                 hidden_at=utcnow())

    # role-play: their reflection names them, a recording on disk, a grade comment about them
    sub = db.session.scalars(sa.select(RolePlaySubmission).where(RolePlaySubmission.trainee_id == person.id)).first()
    sub.reflection_md = f"I, {name}, felt nervous."
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / "rec-cora.webm").write_bytes(b"\x1aE\xdf\xa3 recording of Cora")
    db.session.add(Recording(submission_id=sub.id, stored_name="rec-cora.webm", mime="video/webm", extension="webm",
                             size_bytes=24, consent_confirmed_at=utcnow()))
    grade = db.session.scalars(sa.select(RubricGrade).where(RubricGrade.submission_id == sub.id)).first()
    grade.overall_comment = f"Well done, {name}."
    grade.comments = {"engagement": f"{name} listened well."}
    scenario = db.session.get(type(sub.scenario), sub.scenario_id)
    other_sub = factories.make_submission(scenario, cohort, other, transcript_md=f"Piper's transcript {OTHER_SECRET}")
    db.session.add(RubricGrade(submission_id=other_sub.id, grader_id=person.id, role=GradeRole.FIRST,
                               levels={"engagement": 3}, comments={"engagement": "Open questions, well used."},
                               overall_comment="Nicely paced.", passed=True, mean=3.0))

    # supervision: a summary naming them, a return reason, an hours statement; their own credential
    session = factories.make_supervision(person, supervisor, summary=f"{name} practised reflective listening.",
                                         action_items="Read chapter 3.", status=factories.SessionStatus.RETURNED,
                                         return_reason="Add the date, Cora.")
    db.session.add(HoursStatement(reference="HS-CORA-0001", trainee_id=person.id, totals={"total": 12.75}))
    factories.make_credential(person, license_number="CORA-LIC-1", verified_by_id=admin.id)
    factories.make_supervision(other, person, summary=f"Piper's summary {OTHER_SECRET}",
                               return_reason="Please add your goals.")

    # exceptions, accommodation, deferral (and the same kinds of record they made for the other person)
    db.session.add(GrantedException(cohort_id=cohort.id, user_id=person.id, kind=ExceptionKind.EXTENSION,
                                    item="week-3-quiz", days=3, reason=f"{name} was in hospital.",
                                    granted_by_id=lead.id))
    db.session.add(GrantedException(cohort_id=cohort.id, user_id=other.id, kind=ExceptionKind.EXTENSION,
                                    item="week-3-quiz", days=2, reason="A family matter.", granted_by_id=person.id,
                                    alternative="", revoked_at=utcnow(), revoked_by_id=person.id,
                                    revoke_reason="Granted twice."))
    db.session.add(Accommodation(user_id=person.id, extra_days=2, note=f"{name}: dyslexia, extra time.",
                                 set_by_id=admin.id))
    db.session.add(Accommodation(user_id=other.id, extra_days=1, note=f"Piper needs {OTHER_SECRET}",
                                 set_by_id=person.id))
    later = factories.make_cohort(nc["course"], start=date.today() + timedelta(weeks=4))
    db.session.add(Deferral(user_id=person.id, from_cohort_id=cohort.id, to_cohort_id=later.id,
                            reason=f"{name} moved house.", actor_id=admin.id))
    db.session.add(Deferral(user_id=other.id, from_cohort_id=cohort.id, to_cohort_id=later.id,
                            reason="Piper asked to defer.", actor_id=person.id))

    # live sessions: attendance they recorded, a recording they watched, a week they opened
    live = db.session.scalars(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id)).first()
    db.session.add(RecordingView(live_session_id=live.id, user_id=person.id))
    db.session.add(Attendance(live_session_id=live.id, user_id=other.id, status=AttendanceStatus.PRESENT,
                              recorded_by_id=person.id))
    db.session.add(WeekUnlock(cohort_id=later.id, week=1, unlocked_by_id=person.id))
    db.session.add(CohortInstructor(cohort_id=later.id, user_id=person.id, is_lead=False))
    exemplar = factories.make_exemplar(_rubric(nc["course"]), person, title="Exemplar by Cora",
                                       transcript_md="An exemplar.")
    db.session.add(CalibrationGrade(exemplar_id=exemplar.id, grader_id=person.id, levels={"engagement": 3}))

    # the organization: a roster upload listing them (and others), seats and a key they handled
    org = nc["cohort"].organization
    factories.make_roster_import(org, cohort, uploaded_by_id=person.id, filename="spring.csv", rows=[
        {"line": 2, "email": email.upper(), "first_name": "Cora", "last_name": "Complete", "supervisor_email": "",
         "cohort": ""},
        {"line": 3, "email": "someone.else@example.org", "first_name": "Sam", "last_name": OTHER_SECRET,
         "supervisor_email": email, "cohort": ""}])
    factories.make_roster_import(org, cohort, filename="other.csv")
    db.session.add(SeatChange(organization_id=org.id, delta=5, seat_limit_after=25, reason="Spring intake",
                              actor_id=person.id))
    factories.make_api_key(org, created_by_id=person.id)
    # their organization's LMS knows them (an LTI identity) and they set up a link in it
    lms = LtiPlatform(organization_id=org.id, name="Org Moodle", issuer="https://lms.example.org", client_id="c1",
                      deployment_ids=["d1"], auth_login_url="https://lms.example.org/auth",
                      auth_token_url="https://lms.example.org/token", key_set_url="https://lms.example.org/jwks")
    db.session.add(lms)
    db.session.flush()
    db.session.add_all([LtiIdentity(platform_id=lms.id, issuer=lms.issuer, subject="lms-42", user_id=person.id),
                        LtiIdentity(platform_id=lms.id, issuer=lms.issuer, subject="lms-43", user_id=other.id),
                        LtiResourceLink(platform_id=lms.id, resource_link_id="week-1", title="Week 1",
                                        cohort_id=cohort.id, created_by_id=person.id)])

    # a transcript share, a sign-in link, mail to them and about them, a bounce, audit entries about them
    shares.create_share(person, cohort, recipient="Acme Youth Services", days=30, now=utcnow())
    factories.make_token(person)
    factories.make_outbox(to_address=lead.email, subject=f"{name} submitted a role-play",
                          body=f"{name} ({email}) submitted attempt 1.")
    factories.make_outbox(to_address=email, subject="Your week", body=f"Hello {name}")
    db.session.add(MailSuppression(address=email, reason=f"550 <{email}> mailbox unavailable"))
    # wellbeing: a check-in and a journal entry (private), one shared with their supervisor, a request to talk
    from datetime import timedelta as _td

    from app.models.wellbeing import (
        JournalEntry,
        SupportRecipient,
        SupportRequest,
        WellbeingCheckin,
        WellbeingShare,
    )

    db.session.add(WellbeingCheckin(user_id=person.id, cohort_id=cohort.id, week=9, answers={"energy": 2},
                                    note=f"{name} had a hard week."))
    entry = JournalEntry(user_id=person.id, body=f"Journal of {name}: {email}")
    db.session.add(entry)
    db.session.flush()
    db.session.add(WellbeingShare(user_id=person.id, supervisor_id=nc["supervisor"].id, kind="journal",
                                  journal_entry_id=entry.id))
    db.session.add(SupportRequest(trainee_id=person.id, cohort_id=cohort.id, recipient_id=lead.id,
                                  recipient_kind=SupportRecipient.CONTACT, message=f"{name} needs to talk.",
                                  escalate_at=utcnow() + _td(hours=4)))
    # a peer-support circle they formed (the lead facilitates), their place in it and a post
    from app.models.wellbeing import CircleMember, CirclePost, PeerCircle

    circle = PeerCircle(cohort_id=cohort.id, name=f"{name}'s circle", facilitator_id=lead.id, created_by_id=person.id)
    db.session.add(circle)
    db.session.flush()
    db.session.add(CircleMember(circle_id=circle.id, cohort_id=cohort.id, user_id=person.id))
    db.session.add(CirclePost(circle_id=circle.id, author_id=person.id, body_md=f"Hello circle, {name} here."))
    from app.admin import services as admin_services

    admin_services.change_role(person, role=Role.SUPERVISOR, organization=org, actor=admin)
    admin_services.change_role(person, role=Role.TRAINEE, organization=org, actor=admin)
    db.session.commit()
    return {"person": person, "other": other, "admin": admin, "cert": cert, "name": name, "email": email,
            "submission": sub, "thread": thread, "hidden": hidden, "session": session, "upload_dir": upload_dir,
            "other_post": other_post}


def _rubric(course):
    from app.extensions import db
    from app.models import Rubric

    return db.session.scalar(sa.select(Rubric).where(Rubric.course_id == course.id))


def link_matches(link: Link, row, person_id: int, email: str, via_ids: set[int],
                 objects: set[tuple[str, str]] = frozenset()) -> bool:
    """The test's own reading of a link (independent of app/privacy/links.py). `objects` are the (model
    name, id) of the rows an audit entry may be about."""
    value = row[link.column]
    if link.match.value in ("user_id", "self"):
        return value == person_id
    if link.match.value == "via":
        return value in via_ids
    if link.match.value == "email":
        return (value or "").lower() == email.lower()
    if link.match.value == "json_email":
        return any(str(r.get("email", "")).lower() == email.lower() for r in value or [])
    if link.match.value == "user_object":
        return (row["object_type"], value) in objects
    raise AssertionError(link.match)
