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
from app.models.users import AuthToken, Role, SupervisorAssignment, TokenPurpose, User

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "AuthToken",
    "CalibrationExemplar",
    "CalibrationGrade",
    "GradeRole",
    "Outcome",
    "Recording",
    "Resolution",
    "RolePlaySubmission",
    "RubricGrade",
    "SubmissionStatus",
    "Cohort",
    "CohortInstructor",
    "Course",
    "DiscussionPrompt",
    "Enrollment",
    "LectureView",
    "LiveSession",
    "EnrollmentStatus",
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
    "SupervisorAssignment",
    "TokenPurpose",
    "User",
    "WeekUnlock",
]
