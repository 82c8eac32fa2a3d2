"""The transcript as a PDF, for the trainee and for anyone they share it with."""

from __future__ import annotations

from fpdf import FPDF, FontFace

from app.certificates.transcript import Transcript
from app.pdf import FONT, new_pdf


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)


def _table(pdf: FPDF, widths: tuple[int, ...], header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, padding=1,
                   headings_style=FontFace(emphasis="BOLD")) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for cells in rows:
            row = table.row()
            for c in cells:
                row.cell(c)


def _codes(aligns) -> str:
    return "; ".join(str(a) for a in aligns)


def render(t: Transcript, *, issuer_name: str, note: str = "") -> bytes:
    pdf = new_pdf()
    pdf.set_title(f"Transcript: {t.holder}")
    pdf.set_author(issuer_name)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "Training transcript", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in (f"Trainee: {t.holder}", f"Course: {t.course} (version {t.version})",
                 f"Cohort: {t.cohort}, {t.starts:%B %-d, %Y} to {t.ends:%B %-d, %Y}", f"Issued by {issuer_name}"):
        pdf.cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, "Contact hours as attended")
    _table(pdf, (3, 1), ("Activity", "Hours"), [
        (f"Live sessions attended (of {t.live_hours_scheduled:g} h scheduled)", f"{t.live_hours_attended:g}"),
        ("Role-play practice performed", f"{t.roleplay_hours:g}"),
        ("Supervised practice approved", f"{t.supervision['total']:g}"),
        ("Total", f"{t.contact_hours:g}")])

    _heading(pdf, "Assessments")
    pdf.set_font(FONT, "", 10)
    for line in (f"Lectures viewed: {t.lectures_viewed} of {len(t.weeks)}",
                 f"Quizzes passed: {t.quizzes_passed} of {t.quizzes}",
                 f"Assessed role-plays passed: {t.roleplays_passed} of {t.roleplays}"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    _table(pdf, (8, 40, 22, 10, 14, 22, 16), ("Week", "Module", "Live session", "Hours", "Lecture", "Quiz", "Role-play"),
           [(str(w.week), w.title, w.live, f"{w.live_hours:g}", w.lecture, w.quiz, w.roleplay) for w in t.weeks])

    _heading(pdf, "Supervised practice")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5.5, f"Approved: {t.supervision['total']:g} h (individual {t.supervision['individual']:g} h, "
                           f"group {t.supervision['group']:g} h, observation {t.supervision['observation']:g} h).",
                   new_x="LMARGIN", new_y="NEXT")
    if t.categories:
        _table(pdf, (22, 8, 8, 40), ("Category", "Hours", "Required", "Counts toward"),
               [(c.label, f"{c.hours:g}", f"{c.min_hours:g}", _codes(c.aligns)) for c in t.categories])
    if t.sessions:
        pdf.ln(2)
        _table(pdf, (14, 18, 16, 8, 20, 30), ("Date", "Type", "Category", "Hours", "Supervisor",
                                               "Credential on that date"),
               [(s.day.isoformat(), s.kind, s.category, f"{s.hours:g}", s.supervisor, s.credential)
                for s in t.sessions])

    _heading(pdf, "Competencies demonstrated")
    pdf.set_font(FONT, "", 10)
    if t.demonstrated:
        pdf.multi_cell(0, 5.5, f"Rubric criteria rated at {t.demonstrated_level} or higher in a graded role-play.",
                       new_x="LMARGIN", new_y="NEXT")
        _table(pdf, (24, 14, 14, 40), ("Criterion", "Level reached", "First on", "Framework competencies"),
               [(d.title, d.level_label, d.on.isoformat(), _codes(d.aligns)) for d in t.demonstrated])
    else:
        pdf.cell(0, 6, "None yet.", new_x="LMARGIN", new_y="NEXT")

    pdf.ln(4)
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(0, 5, note or "A record of training as it stood on the day this transcript was produced. "
                                 "It is not a state license or certification.")
    return bytes(pdf.output())


def render_shared(share, *, issuer_name: str) -> bytes:
    """The transcript behind a consent (a link for a person, or the partner API): it says who shared it with
    whom, and until when."""
    from app.certificates.transcript import transcript_for

    note = (f"Shared by {share.user.name} with {share.recipient} until {share.expires_at:%B %-d, %Y}. A record of "
            "training as it stood on the day this transcript was produced; it is not a state license or certification.")
    return render(transcript_for(share.user, share.cohort), issuer_name=issuer_name, note=note)
