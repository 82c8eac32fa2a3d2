"""The certificate as a PDF: what a reader needs, plus a QR code to the verification page."""

from __future__ import annotations

import io

import segno

from app.models import Certificate
from app.pdf import FONT, new_pdf


def certificate_pdf(cert: Certificate, *, verify_url: str, issuer_name: str) -> bytes:
    s = cert.snapshot
    h = s["hours"]
    pdf = new_pdf(orientation="L", format="A4")
    pdf.set_title(f"Certificate {cert.serial}")
    pdf.set_author(issuer_name)
    pdf.add_page()
    pdf.set_draw_color(31, 95, 139)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_font(FONT, "B", 26)
    pdf.set_y(22)
    pdf.cell(0, 12, s["credential_title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 13)
    pdf.cell(0, 9, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    size = 22
    pdf.set_font(FONT, "B", size)
    while size > 12 and pdf.get_string_width(s["holder"]) > 255:  # a long name shrinks rather than overflows
        size -= 1
        pdf.set_font(FONT, "B", size)
    pdf.cell(0, 12, s["holder"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 12)
    pdf.cell(0, 8, f"completed {s['course']} (version {s['course_version']})", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"Cohort {s['cohort']}, {s['cohort_start']} to {s['cohort_end']}", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 10.5)
    left = 22
    pdf.set_x(left)
    pdf.multi_cell(170, 5.5, (
        f"Contact hours: lecture {h['lecture']:g} h, role-play {h['role_play']:g} h, discussion {h['discussion']:g} h.\n"
        f"Supervised practice: {h['supervision_total']:g} h approved (individual {h['supervision_individual']:g} h, "
        f"group {h['supervision_group']:g} h, observation {h['supervision_observation']:g} h)"
        + "".join(f"; {c['label']} {c['hours']:g} h" for c in s.get("hour_categories", [])) + ".\n"
        f"Competencies assessed: {', '.join(s['competencies'])}."))
    pdf.ln(2)
    pdf.set_x(left)
    pdf.multi_cell(170, 5.5, (
        f"Issued {s['issued']} by {issuer_name}. Valid until {s['valid_until']}.\n"
        f"Certificate {cert.serial} ({cert.uuid})."))
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    pdf.image(qr, x=212, y=92, w=52)
    pdf.set_xy(200, 146)
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(76, 4.5, f"Verify at {verify_url}", align="C")
    pdf.set_y(165)
    pdf.set_font(FONT, "", 10)
    signatories = s.get("signatories") or []
    width = 250 / max(1, len(signatories))
    pdf.set_x(22)
    for name in signatories:
        pdf.cell(width, 6, f"______________________   {name}", align="L")
    pdf.ln(10)
    pdf.set_x(22)
    pdf.set_font(FONT, "I", 9)
    pdf.multi_cell(250, 4.5, s.get("disclaimer") or
                   "A certificate of completion. It is not a state license or certification.")
    return bytes(pdf.output())
