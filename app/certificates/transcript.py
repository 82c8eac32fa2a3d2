"""A trainee's transcript: contact hours as attended, every assessment with its outcome, and the
supervised practice hours counted, for one cohort. As a PDF, for the trainee and for anyone they
share it with."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import audit
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.errors import DomainError
from app.extensions import db
from app.models import Cohort, LiveSession, TranscriptShare, User
from app.pdf import FONT, new_pdf

#: how long a trainee may let a link work (days)
SHARE_DAYS = (7, 30, 90)


class ShareRefused(DomainError):
    pass

LIVE_WORDS = {"present": "attended", "late": "attended (late)", "absent": "absent", "excused": "excused"}
ROLEPLAY_WORDS = {"pass": "passed", "revise": "to revise", "pending": "being graded"}


@dataclass(frozen=True)
class WeekLine:
    week: int
    title: str
    live: str
    live_hours: float
    lecture: str
    quiz: str
    roleplay: str


@dataclass(frozen=True)
class Transcript:
    holder: str
    course: str
    version: str
    cohort: str
    weeks: list[WeekLine]
    live_hours_attended: float
    live_hours_scheduled: float
    lectures_viewed: int
    quizzes_passed: int
    quizzes: int
    roleplays_passed: int
    roleplays: int
    supervision: dict[str, float]


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def transcript_for(user: User, cohort: Cohort) -> Transcript:
    plan = load_plan(cohort.course)
    records = load_records(cohort, [user.id])[user.id]
    live = dict(db.session.execute(sa.select(LiveSession.week, LiveSession.duration_minutes)
                                   .where(LiveSession.cohort_id == cohort.id)).all())
    late_counts = plan.rules.get("attendance", {}).get("late_counts_as_present", True)
    lines, attended_minutes = [], 0
    for w in plan.weeks:
        status = records.attendance.get(w.week)
        attended = status == "present" or (status == "late" and late_counts)
        minutes = live.get(w.week, 0) if attended else 0
        attended_minutes += minutes
        best = records.quiz_best.get(w.week)
        if w.quiz_pass_percent is None:
            quiz = "no quiz"
        elif best is None:
            quiz = "not taken"
        else:
            quiz = f"{best}% ({'passed' if best >= w.quiz_pass_percent else 'not passed'})"
        lines.append(WeekLine(
            w.week, w.title, LIVE_WORDS.get(status, "not recorded") if w.week in live else "no live session",
            _hours(minutes), "viewed" if w.week in records.lectures_viewed else "not viewed", quiz,
            ROLEPLAY_WORDS.get(records.roleplay.get(w.week, ""), "")))
    tally = engine.tally_supervision(records.supervision, plan.rules.get("supervision", {}))
    quizzes = [w for w in plan.weeks if w.quiz_pass_percent is not None]
    return Transcript(
        holder=user.name, course=cohort.course.title, version=cohort.course.version, cohort=cohort.name,
        weeks=lines, live_hours_attended=_hours(attended_minutes), live_hours_scheduled=_hours(sum(live.values())),
        lectures_viewed=len(records.lectures_viewed),
        quizzes_passed=sum(1 for w in quizzes if records.quiz_best.get(w.week, -1) >= w.quiz_pass_percent),
        quizzes=len(quizzes), roleplays_passed=sum(1 for v in records.roleplay.values() if v == "pass"),
        roleplays=len(records.roleplay),
        supervision={"total": _hours(tally.total), "individual": _hours(tally.individual),
                     "group": _hours(tally.group), "observation": _hours(tally.observation)})


def transcript_pdf(t: Transcript, *, issuer_name: str, note: str = "") -> bytes:
    pdf = new_pdf()
    pdf.set_title(f"Transcript: {t.holder}")
    pdf.set_author(issuer_name)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Training transcript", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in (f"Trainee: {t.holder}", f"Course: {t.course} (version {t.version}), cohort {t.cohort}",
                 f"Issued by {issuer_name}"):
        pdf.cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "Summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10.5)
    for line in (f"Live sessions attended: {t.live_hours_attended:g} of {t.live_hours_scheduled:g} contact hours",
                 f"Lectures viewed: {t.lectures_viewed} of {len(t.weeks)}",
                 f"Quizzes passed: {t.quizzes_passed} of {t.quizzes}",
                 f"Assessed role-plays passed: {t.roleplays_passed} of {t.roleplays}",
                 f"Supervised practice approved: {t.supervision['total']:g} h (individual "
                 f"{t.supervision['individual']:g} h, group {t.supervision['group']:g} h, observation "
                 f"{t.supervision['observation']:g} h)"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "Week by week", new_x="LMARGIN", new_y="NEXT")
    widths = (12, 58, 36, 16, 20, 26, 22)
    pdf.set_font(FONT, "B", 8.5)
    for w, h in zip(widths, ("Week", "Module", "Live session", "Hours", "Lecture", "Quiz", "Role-play"), strict=True):
        pdf.cell(w, 6, h, border=1)
    pdf.ln()
    pdf.set_font(FONT, "", 8.5)
    for line in t.weeks:
        cells = (str(line.week), line.title[:40], line.live, f"{line.live_hours:g}", line.lecture, line.quiz,
                 line.roleplay)
        for w, c in zip(widths, cells, strict=True):
            pdf.cell(w, 6, c, border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(0, 5, note or "A record of training as it stood on the day this transcript was produced. "
                                 "It is not a state license or certification.")
    return bytes(pdf.output())


# Consent links ------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(user: User, cohort: Cohort, *, recipient: str, days: int, now: datetime,
                 ip: str | None = None) -> tuple[TranscriptShare, str]:
    """The trainee's consent to show this cohort's transcript to `recipient` for `days` days. The token is
    returned once, to be shown once; only its SHA-256 is kept."""
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise ShareRefused("Say who the link is for (an employer's name, for example); it is kept with your consent.")
    if days not in SHARE_DAYS:
        raise ShareRefused("Choose how long the link works.")
    token = secrets.token_urlsafe(32)
    share = TranscriptShare(user_id=user.id, cohort_id=cohort.id, token_hash=_digest(token), recipient=recipient[:200],
                            created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(share)
    db.session.flush()
    audit.record("transcript.shared", share, actor=user, ip=ip,
                 after={"recipient": share.recipient, "cohort_id": cohort.id, "expires_at": share.expires_at.isoformat()})
    return share, token


def find_share(token: str) -> TranscriptShare | None:
    token = (token or "").strip()
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(TranscriptShare).where(TranscriptShare.token_hash == _digest(token)))


def revoke_share(share: TranscriptShare, user: User, *, now: datetime, ip: str | None = None) -> None:
    if share.revoked_at is not None:
        raise ShareRefused("This link was already withdrawn.")
    share.revoked_at = now
    audit.record("transcript.share_withdrawn", share, actor=user, ip=ip, after={"recipient": share.recipient})
    db.session.flush()


def shares_of(user: User) -> list[TranscriptShare]:
    return list(db.session.scalars(sa.select(TranscriptShare).where(TranscriptShare.user_id == user.id)
                                   .order_by(TranscriptShare.created_at.desc(), TranscriptShare.id.desc())))
