"""Names print exactly as they were typed: certificates and hours statements embed a Unicode font and
shape right-to-left scripts, and a PDF reader gets every name back character for character."""

from __future__ import annotations

import io

import pypdf

from app.certificates.document import certificate_pdf
from app.models import Certificate
from app.supervision import services as supervision
from tests import factories
from tests.conftest import login
from tests.interop.test_open_badges import issue

HARD_NAMES = [
    "Nguyễn Thị Minh Khai", "Nguyễn Văn Đức", "Łukasz Żółkiewski", "Małgorzata Brzęczyszczykiewicz",
    "Дмитрий Шостакович", "Олександр Їжаченко", "محمد عبد الله", "فاطمة الزهراء", "שירה כהן",
    "Zoë Saldaña-Muñoz", "Søren Kierkegård", "François-Xavier Lefèvre", "Björn Þórsson", "Đorđe Petrović",
    "Ģirts Ķeniņš", "Çağrı Yılmaz", "Αλέξανδρος Παπαδόπουλος", "Siobhán O’Connor-Smith", "Ngozi Ọkọnkwọ",
    "Tōru Ōtsuka",
]


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_certificates_print_every_name_exactly(nearly_complete, app, db):
    issued = issue(nearly_complete, app, db)
    for name in HARD_NAMES:
        cert = Certificate(uuid=issued.uuid, serial=issued.serial, snapshot={**issued.snapshot, "holder": name})
        text = pdf_text(certificate_pdf(cert, verify_url="http://localhost/verify/x", issuer_name="Programme Ünïcode"))
        assert name in text, (name, text[:200])
        assert "?" not in text.replace("http://localhost/verify/x", "")
        assert "Programme Ünïcode" in text


def test_hours_statements_print_every_trainee_and_supervisor_name(supervised, app, db):
    s = supervised
    s["supervisor"].name = "Łukasz Żółkiewski"
    session = factories.make_supervision(s["trainee"], s["supervisor"], duration_minutes=60)
    supervision.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert login(client, s["trainee"]).status_code == 302
    for name in HARD_NAMES:
        s["trainee"].name = name
        db.session.commit()
        response = client.get("/supervision/statement.pdf")
        assert response.status_code == 200, name  # "Nguyễn" used to be a 500
        text = pdf_text(response.data)
        assert f"Trainee: {name}" in text and "Łukasz Żółkiewski" in text
