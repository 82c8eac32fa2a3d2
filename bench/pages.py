"""The pages the bench measures, for each role, with their URLs filled from the seeded data.

The people are those of the first running cohort (the one holding the busy discussion thread):
its first trainee, its lead instructor, the trainee's supervisor, the organization's first admin,
and a platform admin. Every page is one a role uses daily, plus the public verify page and the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    Certificate,
    Cohort,
    CohortInstructor,
    Enrollment,
    Organization,
    Role,
    RolePlaySubmission,
    SupervisorAssignment,
    Thread,
    User,
)
from app.pacing import cohort_today, week_number
from bench.generate import API_KEY, SEED_MARK


@dataclass
class Page:
    role: str
    name: str
    url: str
    headers: dict = field(default_factory=dict)


@dataclass
class Cast:
    emails: dict[str, str]
    pages: list[Page]
    tier: str | None


def seeded_tier() -> str | None:
    mark = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == SEED_MARK)
                             .order_by(AuditEvent.id.desc()).limit(1))
    return mark.object_id if mark else None


def cast() -> Cast:
    s = db.session
    running = [c for c in s.scalars(sa.select(Cohort).order_by(Cohort.id))
               if 1 <= week_number(c.start_date, cohort_today(c.timezone)) <= len(c.course.modules)]
    cohort = running[0]
    week = week_number(cohort.start_date, cohort_today(cohort.timezone))
    trainee = s.scalar(sa.select(User).join(Enrollment, Enrollment.user_id == User.id)
                       .where(Enrollment.cohort_id == cohort.id).order_by(User.id).limit(1))
    enrollment = s.scalar(sa.select(Enrollment).where(Enrollment.user_id == trainee.id))
    lead = s.scalar(sa.select(User).join(CohortInstructor, CohortInstructor.user_id == User.id)
                    .where(CohortInstructor.cohort_id == cohort.id, CohortInstructor.is_lead.is_(True)))
    supervisor = s.scalar(sa.select(User).join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
                          .where(SupervisorAssignment.trainee_id == trainee.id))
    org = s.get(Organization, cohort.organization_id)
    org_admin = s.scalar(sa.select(User).where(User.role == Role.ORG_ADMIN, User.organization_id == org.id)
                         .order_by(User.id).limit(1))
    admin = s.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    hot = s.scalar(sa.select(Thread).where(Thread.cohort_id == cohort.id, Thread.week == week))
    certificate = s.scalar(sa.select(Certificate).order_by(Certificate.id).limit(1))
    submission = s.scalar(sa.select(RolePlaySubmission).where(RolePlaySubmission.trainee_id == trainee.id)
                          .order_by(RolePlaySubmission.id).limit(1))
    finished = s.scalar(sa.select(Cohort).where(Cohort.organization_id == org.id, Cohort.id != cohort.id)
                        .order_by(Cohort.id).limit(1))
    c, t = cohort.id, trainee.id
    api = {"Authorization": f"Bearer {API_KEY}"}
    pages = [
        Page("trainee", "dashboard", "/dashboard"),
        Page("trainee", "week", f"/cohorts/{c}/weeks/{week}"),
        Page("trainee", "quiz", f"/cohorts/{c}/weeks/{week}/quiz"),
        Page("trainee", "discussion week", f"/cohorts/{c}/weeks/{week}/discussion"),
        Page("trainee", "hot thread p1", f"/threads/{hot.id}" if hot else "/dashboard"),
        Page("trainee", "role-play", f"/cohorts/{c}/weeks/{week}/role-play"),
        Page("trainee", "supervision", "/supervision/"),
        Page("trainee", "certificate", "/certificate"),
        Page("trainee", "notifications", "/notifications"),
        Page("trainee", "account", "/account"),
        Page("instructor", "dashboard", "/dashboard"),
        Page("instructor", "cohort", f"/cohorts/{c}"),
        Page("instructor", "week", f"/cohorts/{c}/weeks/{week}"),
        Page("instructor", "week progress", f"/cohorts/{c}/weeks/{week}/progress"),
        Page("instructor", "attendance", f"/cohorts/{c}/weeks/{max(week - 1, 1)}/attendance"),
        Page("instructor", "grading queue", "/grading"),
        Page("instructor", "gradebook", f"/cohorts/{c}/gradebook"),
        Page("instructor", "certification", f"/cohorts/{c}/certification"),
        Page("instructor", "exceptions", f"/cohorts/{c}/exceptions"),
        Page("supervisor", "dashboard", "/dashboard"),
        Page("supervisor", "queue", "/supervision/queue"),
        Page("supervisor", "trainee ledger", f"/supervision/trainees/{t}/ledger"),
        Page("org_admin", "dashboard", "/dashboard"),
        Page("org_admin", "organization", f"/partners/organizations/{org.id}"),
        Page("org_admin", "cohort dashboard", f"/partners/cohorts/{c}"),
        Page("org_admin", "trainee", f"/partners/enrollments/{enrollment.id}"),
        Page("org_admin", "finished cohort", f"/partners/cohorts/{finished.id}" if finished else "/dashboard"),
        Page("admin", "dashboard", "/dashboard"),
        Page("admin", "people", "/admin/people"),
        Page("admin", "person", f"/admin/people/{t}"),
        Page("admin", "organizations", "/admin/organizations"),
        Page("admin", "cohorts", "/admin/cohorts"),
        Page("admin", "audit log", "/admin/audit"),
        Page("admin", "certificates", "/admin/certificates"),
        Page("anonymous", "verify", f"/verify/{certificate.serial}" if certificate else "/verify"),
        Page("anonymous", "catalog", "/catalog/"),
        Page("api", "cohorts", "/api/v1/cohorts", api),
        Page("api", "enrollments", f"/api/v1/cohorts/{c}/enrollments", api),
        Page("api", "progress", f"/api/v1/trainees/{t}/progress", api),
    ]
    if submission is not None:
        pages.insert(9, Page("trainee", "submission", f"/role-play/submissions/{submission.id}"))
    emails = {"trainee": trainee.email, "instructor": lead.email, "supervisor": supervisor.email,
              "org_admin": org_admin.email, "admin": admin.email}
    return Cast(emails=emails, pages=pages, tier=seeded_tier())
