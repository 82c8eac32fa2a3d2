"""The hours ledger (trainee, supervisor, organization) and the PDF hours statement."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.eligibility import engine
from app.extensions import db
from app.models import Cohort, HoursStatement, SessionStatus, SupervisionSession, User
from app.pdf import FONT, new_pdf
from app.supervision.services import programs_of, rules_of


@dataclass
class Ledger:
    trainee: User
    rules: dict
    sessions: list[SupervisionSession]
    tally: engine.SupervisionTally
    requirements: list[engine.Requirement]
    counted: dict[int, engine.CountedEntry]
    cohort: Cohort | None = None
    programs: list[Cohort] = field(default_factory=list)

    @property
    def categories(self) -> list[tuple[str, str, float]]:
        """(label, hours counted, hours needed) per hour category of the program."""
        return [(c["label"], self.tally.by_category.get(c["key"], 0) / 60, c.get("min_hours", 0))
                for c in self.rules.get("categories", [])]

    def category_label(self, key: str | None) -> str:
        return next((c["label"] for c in self.rules.get("categories", []) if c["key"] == key), key or "")


def ledger_for(trainee: User, cohort_id: int | None = None) -> Ledger:
    """The trainee's hours for one program (the earliest, unless `cohort_id` names another of theirs)."""
    programs = programs_of(trainee)
    cohort = next((c for c in programs if c.id == cohort_id), programs[0] if programs else None)
    rules = rules_of(cohort)
    stmt = (sa.select(SupervisionSession).where(SupervisionSession.trainee_id == trainee.id)
            .order_by(SupervisionSession.session_date.desc(), SupervisionSession.start_time.desc()))
    if cohort is not None and not rules.get("count_sessions_from_other_programs"):
        stmt = stmt.where(SupervisionSession.cohort_id == cohort.id)
    sessions = list(db.session.scalars(stmt))
    approved = [s for s in sessions if s.status is SessionStatus.APPROVED and s.superseded_at is None]
    entries = {s.id: engine.SupervisionEntry(s.session_date, s.supervision_type.value, s.duration_minutes, s.category)
               for s in approved}
    tally = engine.tally_supervision(list(entries.values()), rules)
    by_entry = {id(c.entry): c for c in tally.entries}
    counted = {sid: by_entry[id(e)] for sid, e in entries.items()}
    plan = engine.CoursePlan(weeks=(), rules={"supervision": rules})
    reqs = engine.supervision_requirements(plan, engine.TraineeRecords(supervision=list(entries.values())))
    return Ledger(trainee, rules, sessions, tally, reqs, counted, cohort, programs)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


def create_statement(ledger: Ledger, *, secret: str) -> HoursStatement:
    """The statement of the ledger's approved sessions. Its reference is an HMAC, under `secret` (the app's
    SECRET_KEY), of the trainee, program and sessions: the same sessions give the same reference, and
    nobody without the key can compute one (a trainee with no approved session would otherwise have a
    reference derived from their user id alone). Earlier references, plain SHA-256, stay verifiable."""
    approved = sorted((s for s in ledger.sessions if s.id in ledger.counted), key=lambda s: s.session_date)
    program = [str(ledger.cohort.id)] if ledger.cohort else []
    message = "|".join([str(ledger.trainee.id), *program] + [s.signature_hash or "" for s in approved]).encode()
    digest = hmac.new(hashlib.sha256(b"hours-statement|" + secret.encode()).digest(), message,
                      hashlib.sha256).hexdigest()
    t = ledger.tally
    totals = {"total": _hours(t.total), "individual": _hours(t.individual), "group": _hours(t.group),
              "observation": _hours(t.observation), "sessions": len(approved),
              "program": ledger.cohort.course.title if ledger.cohort else "",
              "categories": {label: f"{hours:.2f}" for label, hours, _ in ledger.categories}}
    reference = f"HS-{digest[:16].upper()}"  # the same approved sessions give the same reference
    existing = db.session.scalar(sa.select(HoursStatement).where(HoursStatement.reference == reference))
    if existing:
        return existing
    statement = HoursStatement(reference=reference, trainee_id=ledger.trainee.id, totals=totals)
    db.session.add(statement)
    db.session.flush()
    return statement


def statement_pdf(ledger: Ledger, statement: HoursStatement, verify_url: str) -> bytes:
    pdf = new_pdf()
    pdf.set_title("Supervision hours statement")
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Supervision hours statement", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 7, f"Trainee: {ledger.trainee.name}", new_x="LMARGIN", new_y="NEXT")
    if statement.totals.get("program"):
        pdf.cell(0, 7, f"Program: {statement.totals['program']}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"Issued: {statement.created_at:%B %d, %Y}    Reference: {statement.reference}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"Verify at: {verify_url}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "Counted hours", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for label, key in (("Total", "total"), ("Individual", "individual"), ("Group", "group"),
                       ("Observation", "observation")):
        pdf.cell(0, 6, f"{label}: {statement.totals[key]} h", new_x="LMARGIN", new_y="NEXT")
    for label, hours in statement.totals.get("categories", {}).items():
        pdf.cell(0, 6, f"{label}: {hours} h", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, "Approved sessions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    widths = (24, 16, 16, 32, 56, 46)
    headers = ("Date", "Start", "Minutes", "Type", "Supervisor (credential)", "Signature")
    for w, h in zip(widths, headers, strict=True):
        pdf.cell(w, 6, h, border=1)
    pdf.ln()
    for s in sorted((s for s in ledger.sessions if s.id in ledger.counted), key=lambda s: s.session_date):
        cred = s.credential_snapshot or {}
        cells = (s.session_date.isoformat(), s.start_time.strftime("%H:%M"), str(s.duration_minutes),
                 s.supervision_type.label, f"{s.supervisor.name[:28]} ({cred.get('type', '')} {cred.get('state', '')})",
                 (s.signature_hash or "")[:20])
        for w, c in zip(widths, cells, strict=True):
            pdf.cell(w, 6, c, border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(0, 5, "Each session was signed electronically by the supervisor named, whose credential is shown "
                         "as it stood on the day of approval. This statement records training hours; it is not a "
                         "state license or certification.")
    return bytes(pdf.output())
