"""All models, imported so that metadata (and Alembic) sees every table."""

from app.models.api import ApiKey
from app.models.audit import AuditEvent
from app.models.certificates import Certificate, CertificateStatus, ConductSignature, FinalSignoff, TranscriptShare
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
from app.models.exceptions import Accommodation, Deferral, ExceptionKind, GrantedException
from app.models.jobs import JobRun
from app.models.learning import (
    Attendance,
    AttendanceStatus,
    LectureView,
    LiveSession,
    QuizAttempt,
    RecordingView,
    WeekUnlock,
)
from app.models.mail import MailSuppression, OutboxMessage
from app.models.orgs import Cohort, CohortInstructor, Enrollment, EnrollmentStatus, Organization
from app.models.roleplay import (
    CalibrationExemplar,
    CalibrationGrade,
    GradeRole,
    Outcome,
    Recording,
    Resolution,
    RolePlaySubmission,
    RubricGrade,
    SubmissionStatus,
)
from app.models.rosters import RosterImport
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
from app.models.wellbeing import JournalEntry, WellbeingCheckin

__all__ = [
    "Accommodation",
    "Deferral",
    "ExceptionKind",
    "GrantedException",
    "ApiKey",
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "AuthToken",
    "Certificate",
    "CertificateStatus",
    "TranscriptShare",
    "CalibrationExemplar",
    "CalibrationGrade",
    "GradeRole",
    "Outcome",
    "Recording",
    "Resolution",
    "RolePlaySubmission",
    "RosterImport",
    "RubricGrade",
    "SubmissionStatus",
    "Cohort",
    "CohortInstructor",
    "ConductSignature",
    "Course",
    "CredentialType",
    "DeliveryMode",
    "DiscussionPrompt",
    "EmailMode",
    "Enrollment",
    "LectureView",
    "LiveSession",
    "EnrollmentStatus",
    "FinalSignoff",
    "HoursStatement",
    "Module",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Organization",
    "JobRun",
    "MailSuppression",
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
    "SeatChange",
    "SessionStatus",
    "SupervisionSession",
    "SupervisionType",
    "SupervisorAssignment",
    "SupervisorCredential",
    "Thread",
    "ThreadFollow",
    "ThreadRead",
    "TokenPurpose",
    "User",
    "WeekUnlock",
    "JournalEntry",
    "WellbeingCheckin",
]
