"""All models, imported so that metadata (and Alembic) sees every table."""

from app.models.audit import AuditEvent
from app.models.certificates import Certificate, CertificateStatus, ConductSignature, FinalSignoff
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
    "Certificate",
    "CertificateStatus",
    "Cohort",
    "CohortInstructor",
    "ConductSignature",
    "Course",
    "CredentialType",
    "DeliveryMode",
    "DiscussionPrompt",
    "Enrollment",
    "LectureView",
    "LiveSession",
    "EnrollmentStatus",
    "FinalSignoff",
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
    "SessionStatus",
    "SupervisionSession",
    "SupervisionType",
    "SupervisorAssignment",
    "SupervisorCredential",
    "TokenPurpose",
    "User",
    "WeekUnlock",
]
