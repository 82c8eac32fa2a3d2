"""Every permission rule in one place, as pure predicates.

No Flask imports: each `can_*` takes the user (a `User` or Flask-Login's
anonymous user) and the object, and may read the object's loaded attributes.
Views enforce them through `app.guards`; templates call the same functions
through the `policy` Jinja global, so a hidden button and a refused request
never disagree.
"""

from __future__ import annotations

from typing import Any

from app.models.users import Role


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def _role(user: Any) -> Role | None:
    return getattr(user, "role", None) if _authed(user) else None


def has_role(user: Any, *roles: Role) -> bool:
    return _role(user) in roles


# Route-level rules ------------------------------------------------------------

def public(_user: Any) -> bool:
    """Pages anyone may open: login, password reset, health check."""
    return True


def signed_in(user: Any) -> bool:
    """Dashboard, profile, password change: any active account."""
    return _authed(user)


def can_view_course(user: Any, course: Any = None) -> bool:
    """The read-only outline: every signed-in role. Archived courses: admins only."""
    if not _authed(user):
        return False
    if course is not None and getattr(course, "archived_at", None) is not None:
        return has_role(user, Role.ADMIN)
    return True


def can_list_cohorts(user: Any) -> bool:
    return has_role(user, Role.ADMIN, Role.ORG_ADMIN, Role.INSTRUCTOR, Role.TRAINEE)


# Object rules -----------------------------------------------------------------

def is_cohort_staff(user: Any, cohort: Any) -> bool:
    return has_role(user, Role.INSTRUCTOR) and any(s.user_id == user.id for s in cohort.staff)


def same_org(user: Any, obj_org_id: int | None) -> bool:
    return obj_org_id is not None and getattr(user, "organization_id", None) == obj_org_id


def can_view_cohort(user: Any, cohort: Any, *, is_enrolled: bool = False) -> bool:
    """Admins; the cohort's organization admin; its instructors; its own trainees."""
    role = _role(user)
    if role is Role.ADMIN:
        return True
    if role is Role.ORG_ADMIN:
        return same_org(user, cohort.organization_id)
    if role is Role.INSTRUCTOR:
        return is_cohort_staff(user, cohort)
    if role is Role.TRAINEE:
        return is_enrolled
    return False


def can_see_roster(user: Any, cohort: Any) -> bool:
    """Names and emails of every trainee: staff and admins, not fellow trainees."""
    return can_view_cohort(user, cohort) and _role(user) is not Role.TRAINEE


def can_administer(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


# Weeks, live sessions, quizzes -------------------------------------------------

def can_teach(user: Any, cohort: Any) -> bool:
    """Run the cohort's weeks: edit live sessions, take attendance, unlock early, see progress."""
    return has_role(user, Role.ADMIN) or is_cohort_staff(user, cohort)


def can_read_every_brief(user: Any, cohort: Any) -> bool:
    """A role-play's briefs are each for one role; the cohort's staff prepare and rate all of them."""
    return can_teach(user, cohort)


def can_see_week_content(user: Any, cohort: Any, *, is_enrolled: bool, is_open: bool) -> bool:
    """A locked week shows its title and date only, to trainees; staff prepare ahead."""
    if not can_view_cohort(user, cohort, is_enrolled=is_enrolled):
        return False
    return is_open or _role(user) is not Role.TRAINEE


def can_see_join_link(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    return can_teach(user, cohort) or (has_role(user, Role.TRAINEE) and is_enrolled)


def can_take_quiz(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    return has_role(user, Role.TRAINEE) and is_enrolled


def can_mark_lecture_read(user: Any, cohort: Any, *, is_enrolled: bool, is_open: bool) -> bool:
    """An enrolled trainee says they have read an open week's lecture (staff do not earn credit)."""
    return can_take_quiz(user, cohort, is_enrolled=is_enrolled) and is_open


def can_view_attempt(user: Any, attempt: Any, cohort: Any) -> bool:
    return (_authed(user) and attempt.user_id == user.id) or can_teach(user, cohort)


# Exceptions, accommodations, deferral -----------------------------------------------

def can_grant_exception(user: Any, cohort: Any, kind: str = "") -> bool:
    """The cohort's instructors grant extensions, extra attempts, excused attendance and late approvals;
    a waiver is the program director's (a platform admin)."""
    if kind == "waiver":
        return has_role(user, Role.ADMIN)
    return can_teach(user, cohort)


def can_set_accommodation(user: Any) -> bool:
    """The program director (a platform admin) records accommodations; trainees cannot set their own."""
    return has_role(user, Role.ADMIN)


def can_view_accommodation(user: Any, trainee: Any, *, teaches: bool = False) -> bool:
    """The trainee, their instructors and the program director: never the organization admin or supervisor."""
    if not _authed(user):
        return False
    return user.id == trainee.id or has_role(user, Role.ADMIN) or (has_role(user, Role.INSTRUCTOR) and teaches)


def can_defer(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def can_see_quiz_answers(user: Any, attempt: Any, cohort: Any, *, revealed: bool) -> bool:
    """The correct options and their feedback: staff always; the trainee when the program's
    `reveal_answers` rule says so (`revealed`)."""
    return can_teach(user, cohort) or (owns(user, attempt) and revealed)


# Supervision -------------------------------------------------------------------

def can_log_supervision(user: Any) -> bool:
    return has_role(user, Role.TRAINEE)


def can_sign_off(user: Any) -> bool:
    """The supervisor's queue."""
    return has_role(user, Role.SUPERVISOR)


def can_view_trainee_hours(user: Any, trainee: Any, *, supervises: bool) -> bool:
    """A trainee's sessions and ledger: themselves, their supervisors, their organization's admin, admins."""
    role = _role(user)
    if role is None:
        return False
    return (user.id == trainee.id or role is Role.ADMIN or (role is Role.SUPERVISOR and supervises)
            or (role is Role.ORG_ADMIN and same_org(user, trainee.organization_id)))


def can_read_session_notes(user: Any, session: Any, *, supervises: bool) -> bool:
    """A session's summary, action items and return reason are clinical: the trainee, their supervisors
    and the program's clinical staff (instructors of the cohort the hours count for) read them. Organization
    admins and platform admins see hours, dates and status only."""
    role = _role(user)
    if role is None:
        return False
    if user.id == session.trainee_id:
        return True
    if role is Role.SUPERVISOR:
        return supervises or session.supervisor_id == user.id
    return role is Role.INSTRUCTOR and session.cohort is not None and is_cohort_staff(user, session.cohort)


def can_decide_session(user: Any, session: Any) -> bool:
    return has_role(user, Role.SUPERVISOR) and session.supervisor_id == user.id and session.trainee_id != user.id


def can_manage_credentials(user: Any) -> bool:
    return has_role(user, Role.ADMIN, Role.ORG_ADMIN)


def can_assign_supervisor(user: Any, trainee: Any, supervisor: Any) -> bool:
    """Admins; an organization admin for a trainee and a supervisor of their own organization."""
    return has_role(user, Role.ADMIN) or (has_role(user, Role.ORG_ADMIN) and same_org(user, trainee.organization_id)
                                          and same_org(user, supervisor.organization_id))


def can_verify_credential(user: Any, supervisor: Any) -> bool:
    return has_role(user, Role.ADMIN) or (has_role(user, Role.ORG_ADMIN)
                                          and same_org(user, supervisor.organization_id))


# Certificates ------------------------------------------------------------------

def can_have_certificates(user: Any) -> bool:
    return has_role(user, Role.TRAINEE)


def can_view_certificate(user: Any, cert: Any) -> bool:
    """The holder, admins, the holder's organization admin and the cohort's instructors."""
    role = _role(user)
    if role is None:
        return False
    return (user.id == cert.user_id or role is Role.ADMIN or is_cohort_staff(user, cert.cohort)
            or (role is Role.ORG_ADMIN and same_org(user, cert.user.organization_id)))


def can_download_credential(user: Any, cert: Any) -> bool:
    """The signed Open Badge goes to its holder (and platform admins), not to everyone who may view it."""
    return owns(user, cert) or has_role(user, Role.ADMIN)


def can_change_certificate_status(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def can_final_signoff(user: Any, cohort: Any) -> bool:
    """The program director: a platform admin, or the cohort's lead instructor."""
    return has_role(user, Role.ADMIN) or (
        has_role(user, Role.INSTRUCTOR) and any(s.user_id == user.id and s.is_lead for s in cohort.staff))
# Role-play assessment --------------------------------------------------------

def can_submit_roleplay(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    return has_role(user, Role.TRAINEE) and is_enrolled


def can_view_submission(user: Any, submission: Any, cohort: Any) -> bool:
    """The trainee who submitted it, the cohort's instructors, platform admins."""
    return (_authed(user) and submission.trainee_id == user.id) or can_teach(user, cohort)


def can_see_reflection(user: Any, submission: Any, cohort: Any) -> bool:
    """A self-reflection is private: its author and the cohort's graders only."""
    return (_authed(user) and submission.trainee_id == user.id) or is_cohort_staff(user, cohort)


def can_grade(user: Any, submission: Any, cohort: Any) -> bool:
    """Instructors of the submission's cohort, never on their own submission."""
    return is_cohort_staff(user, cohort) and submission.trainee_id != user.id


def can_grade_now(user: Any, submission: Any, cohort: Any, *, calibrated: bool) -> bool:
    """Formative role-plays: any grader of the cohort. Assessed (summative) ones: only a grader in
    calibration standing under the program's rubric (`calibrated`, from app.roleplay.standing)."""
    return can_grade(user, submission, cohort) and (calibrated or not submission.scenario.is_summative)


def can_use_grading_queue(user: Any) -> bool:
    return has_role(user, Role.INSTRUCTOR)


def can_calibrate(user: Any) -> bool:
    """Instructors grade calibration exemplars blind."""
    return has_role(user, Role.INSTRUCTOR)


def can_manage_calibration(user: Any) -> bool:
    """Admins set exemplars and reference scores and read every instructor's agreement."""
    return has_role(user, Role.ADMIN)


def can_open_calibration(user: Any) -> bool:
    return can_calibrate(user) or can_manage_calibration(user)
# Discussion ---------------------------------------------------------------------

def can_read_discussion(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    """A cohort's discussion: its own trainees and its staff (and platform admins), nobody else."""
    return can_teach(user, cohort) or (has_role(user, Role.TRAINEE) and is_enrolled)


def can_post(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    """Start threads, post and reply: the same people who read."""
    return can_read_discussion(user, cohort, is_enrolled=is_enrolled)


def can_moderate(user: Any, cohort: Any) -> bool:
    """Pin, lock, hide and work the report queue: the cohort's instructors and platform admins."""
    return can_teach(user, cohort)


def is_author(user: Any, post: Any) -> bool:
    return _authed(user) and post.author_id == user.id
# Partner organizations -----------------------------------------------------------

def can_use_partner_portal(user: Any) -> bool:
    """Route level: organization admins (their own organization) and platform admins (any)."""
    return has_role(user, Role.ADMIN, Role.ORG_ADMIN)


def can_manage_organization(user: Any, org: Any) -> bool:
    """An organization's portal, roster, cohorts and dashboards: its own admins and platform admins."""
    return has_role(user, Role.ADMIN) or (has_role(user, Role.ORG_ADMIN) and same_org(user, getattr(org, "id", None)))


def can_edit_local_resources(user: Any, org: Any) -> bool:
    """An organization's crisis and reporting lines, shown to its trainees: its own admins and platform admins."""
    return can_manage_organization(user, org)


def api_key_holder(_user: Any) -> bool:
    """API routes: no session; every request is authenticated by its organization's API key (app.api)."""
    return True


# Acting on one's own records -------------------------------------------------------

def owns(user: Any, record: Any, attr: str = "user_id") -> bool:
    """The signed-in user is the person the record belongs to."""
    return _authed(user) and getattr(record, attr, None) == user.id


def can_answer_attempt(user: Any, attempt: Any) -> bool:
    """Only the trainee who started a quiz attempt answers it."""
    return owns(user, attempt)


def can_change_hours_record(user: Any, session: Any) -> bool:
    """A trainee edits, amends, confirms or declines only their own supervision records."""
    return has_role(user, Role.TRAINEE) and owns(user, session, "trainee_id")


def can_sign_conduct(user: Any, *, is_enrolled: bool) -> bool:
    return has_role(user, Role.TRAINEE) and is_enrolled


def can_share_transcript(user: Any, *, is_enrolled: bool) -> bool:
    """A trainee downloads their own transcript for a cohort they are in, and chooses whom to show it to."""
    return has_role(user, Role.TRAINEE) and is_enrolled


def can_withdraw_share(user: Any, share: Any) -> bool:
    return has_role(user, Role.TRAINEE) and share.user_id == user.id


# Wellbeing: check-ins, journal (the trainee's alone) -----------------------------------------

def can_check_in(user: Any) -> bool:
    """The check-in page, its trend and the trainee's own export: trainees, for themselves only. No staff
    role, not even a platform admin, has a route to anyone's check-ins or journal."""
    return has_role(user, Role.TRAINEE)


def can_keep_journal(user: Any) -> bool:
    return has_role(user, Role.TRAINEE)


def can_edit_journal_entry(user: Any, entry: Any) -> bool:
    """A journal entry is read, edited and deleted by its writer only."""
    return can_keep_journal(user) and owns(user, entry)


# Wellbeing: "I need to talk to someone" ---------------------------------------------------------

def can_use_circles(user: Any) -> bool:
    """Peer-support circles: trainees and instructors (which circle, and whether the cohort has them, is
    checked per object in app/wellbeing/circles.py: members and the facilitator only)."""
    return has_role(user, Role.TRAINEE, Role.INSTRUCTOR)


def can_open_circles(user: Any, cohort: Any, *, is_enrolled: bool, has_circles: bool) -> bool:
    """A cohort's circles page: its current trainees and its instructors, when its program has circles."""
    return has_circles and ((has_role(user, Role.TRAINEE) and is_enrolled) or is_cohort_staff(user, cohort))


def can_read_circle(user: Any, circle: Any) -> bool:
    """A circle's private thread: its members and its facilitator; nobody else (no admin of any kind)."""
    return _authed(user) and (circle.facilitator_id == user.id or any(m.user_id == user.id for m in circle.members))


def can_ask_for_support(user: Any) -> bool:
    return has_role(user, Role.TRAINEE)


def can_receive_support_requests(user: Any) -> bool:
    """Whoever a trainee can ask (a wellbeing contact is a lead instructor; supervisors) and the program
    director (platform admins), who receives unacknowledged requests. Never the organization admin."""
    return has_role(user, Role.INSTRUCTOR, Role.SUPERVISOR, Role.ADMIN)


def can_view_support_request(user: Any, req: Any) -> bool:
    """The trainee who asked, the person they asked, and the program director once it was escalated."""
    if not _authed(user):
        return False
    return (user.id in (req.trainee_id, req.recipient_id)
            or (has_role(user, Role.ADMIN) and req.escalated_at is not None))


def can_acknowledge_support_request(user: Any, req: Any) -> bool:
    return can_view_support_request(user, req) and can_receive_support_requests(user) and user.id != req.trainee_id


def can_see_wellbeing_signals(user: Any, cohort: Any) -> bool:
    """A cohort's aggregate check-in trends (weeks with five or more answers) and load factors: its
    organization's admins and platform admins. Never one trainee's answers."""
    return can_manage_organization(user, cohort.organization) if cohort.organization else has_role(user, Role.ADMIN)


# Wellbeing: sharing with a supervisor on the trainee's terms -----------------------------------------

def can_share_with_supervisor(user: Any) -> bool:
    return has_role(user, Role.TRAINEE)


def can_view_wellbeing_share(user: Any, share: Any, *, supervises: bool) -> bool:
    """The trainee who shared it, and the supervisor they shared it with while it is shared and while they
    still supervise the trainee. Nobody else: not other supervisors, instructors, organization or platform
    admins."""
    if owns(user, share):
        return True
    return (has_role(user, Role.SUPERVISOR) and share.supervisor_id == user.id and share.withdrawn_at is None
            and supervises)


def can_withdraw_wellbeing_share(user: Any, share: Any) -> bool:
    return has_role(user, Role.TRAINEE) and owns(user, share)


# Data rights -----------------------------------------------------------------------------------------

def can_manage_own_data(user: Any) -> bool:
    """Every active account sees what the platform holds about it, downloads it and may ask for erasure."""
    return _authed(user)


def can_process_data_requests(user: Any) -> bool:
    """Platform admins download anyone's data and process erasure requests."""
    return has_role(user, Role.ADMIN)


def can_erase(user: Any, person: Any) -> bool:
    """An admin erases someone else's personal data, once; never their own account (another admin does)."""
    return (can_process_data_requests(user) and getattr(person, "id", None) != user.id
            and getattr(person, "erased_at", None) is None)


# LTI: partners' learning systems --------------------------------------------------------------

def lti_platform(_user: Any) -> bool:
    """The LTI login initiation, launch and key set: the LMS and the browser it sends, with no session here;
    a launch is authenticated by the platform's signed id_token (app.lti)."""
    return True


def can_set_up_lti_link(user: Any, link: Any) -> bool:
    """Which cohort an LMS link opens (chosen once): an instructor of the link's organization (they arrived
    through a launch as the LMS course's instructor), or a platform admin."""
    return has_role(user, Role.ADMIN) or (has_role(user, Role.INSTRUCTOR)
                                          and same_org(user, link.platform.organization_id))
