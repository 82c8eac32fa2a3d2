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
from app.models.seats import SeatChange
from app.models.supervision import (
    CredentialType,
    DeliveryMode,
    HoursStatement,
    SessionStatus,
    SupervisionSession,
    SupervisionType,
    SupervisorCredential,
)
from app.models.users import AuthToken, Role, SupervisorAssignment, TokenPurpose, User

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "AuthToken",
    "Cohort",
    "CohortInstructor",
    "Course",
    "CredentialType",
    "DeliveryMode",
    "DiscussionPrompt",
    "Enrollment",
    "LectureView",
    "LiveSession",
    "EnrollmentStatus",
    "HoursStatement",
    "Module",
    "Organization",
    "OutboxMessage",
    "Question",
    "Quiz",
    "QuizAttempt",
    "RecordingView",
    "Role",
    "Rubric",
    "RubricCriterion",
    "Scenario",
    "SeatChange",
    "SessionStatus",
    "SupervisionSession",
    "SupervisionType",
    "SupervisorAssignment",
    "SupervisorCredential",
    "TokenPurpose",
    "User",
    "WeekUnlock",
]
