"""All models, imported so that metadata (and Alembic) sees every table."""

from app.models.audit import AuditEvent
from app.models.curriculum import (
    Course,
    DiscussionPrompt,
    Module,
    Question,
    Quiz,
    Rubric,
    RubricCriterion,
    Scenario,
)
from app.models.discussion import (
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
    Post,
    PostReport,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from app.models.learning import (
    Attendance,
    AttendanceStatus,
    LectureView,
    LiveSession,
    QuizAttempt,
    RecordingView,
    WeekUnlock,
)
from app.models.mail import OutboxMessage
from app.models.orgs import Cohort, CohortInstructor, Enrollment, EnrollmentStatus, Organization
from app.models.users import AuthToken, Role, SupervisorAssignment, TokenPurpose, User

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "AuthToken",
    "Cohort",
    "CohortInstructor",
    "Course",
    "DiscussionPrompt",
    "EmailMode",
    "Enrollment",
    "LectureView",
    "LiveSession",
    "EnrollmentStatus",
    "Module",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Organization",
    "OutboxMessage",
    "Post",
    "PostReport",
    "Question",
    "Quiz",
    "QuizAttempt",
    "RecordingView",
    "Role",
    "Rubric",
    "RubricCriterion",
    "Scenario",
    "SupervisorAssignment",
    "Thread",
    "ThreadFollow",
    "ThreadRead",
    "TokenPurpose",
    "User",
    "WeekUnlock",
]
