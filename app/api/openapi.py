"""The OpenAPI 3 document of /api/v1: what the endpoints accept and return (tests check it against them)."""

from __future__ import annotations

from app.inputs import DB_INT_MAX


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(name: str) -> dict:
    return {"type": "object", "required": ["data", "meta"],
            "properties": {"data": {"type": "array", "items": _ref(name)}, "meta": _ref("PageMeta")}}


ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("401", "Unauthorized"), ("429", "RateLimited"))}
NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}
PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
]
BAD_PAGE = {"400": {"$ref": "#/components/responses/BadRequest"}}


def _id_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def document() -> dict:
    s = {"type": "string"}
    i = {"type": "integer"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Partner API", "version": "1",
                 "description": "Cohorts, enrollments, progress, hours, certificates and the links to trainees' "
                                "credentials of one partner organization. "
                                "Authenticate with `Authorization: Bearer <key>`; keys are created by the "
                                "organization admin, shown once and revocable."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"apiKey": []}],
        "paths": {
            "/cohorts": {"get": {"summary": "The organization's cohorts", "parameters": PAGE_PARAMS,
                                 "responses": {"200": _json(_page_of("Cohort"), "A page of cohorts"), **BAD_PAGE,
                                               **ERRORS}}},
            "/cohorts/{cohort_id}": {"get": {"summary": "One cohort", "parameters": [_id_param("cohort_id")],
                                             "responses": {"200": _json(_ref("Cohort"), "The cohort"), **NOT_FOUND,
                                                           **ERRORS}}},
            "/cohorts/{cohort_id}/enrollments": {
                "get": {"summary": "A cohort's enrollments", "parameters": [_id_param("cohort_id"), *PAGE_PARAMS],
                        "responses": {"200": _json(_page_of("Enrollment"), "A page of enrollments"), **BAD_PAGE,
                                      **NOT_FOUND, **ERRORS}},
                "post": {"summary": "Enroll a person by email (idempotent)",
                         "description": "Creates the trainee's account and emails an invitation if needed. "
                                        "Enrolling someone already enrolled answers 200 with the same enrollment.",
                         "parameters": [_id_param("cohort_id")],
                         "requestBody": {"required": True,
                                         "content": {"application/json": {"schema": _ref("EnrollRequest")}}},
                         "responses": {"201": _json(_ref("Enrollment"), "Enrolled"),
                                       "200": _json(_ref("Enrollment"), "Already enrolled; nothing changed"),
                                       "400": {"$ref": "#/components/responses/BadRequest"},
                                       "422": {"$ref": "#/components/responses/Refused"}, **NOT_FOUND, **ERRORS}},
            },
            "/trainees/{trainee_id}/progress": {
                "get": {"summary": "A trainee's progress and supervision hours, per cohort",
                        "parameters": [_id_param("trainee_id")],
                        "responses": {"200": _json(_ref("Progress"), "Progress"), **NOT_FOUND, **ERRORS}}},
            "/trainees": {"get": {
                "summary": "The organization's trainees, each with the links to their credentials",
                "description": "Every trainee whose account belongs to the organization, with each of their "
                               "certificates: its standing, the public page that verifies it and the link where "
                               "the holder downloads the signed Open Badge; and the transcripts the trainee has "
                               "chosen to let the organization read, while that consent lasts.",
                "parameters": PAGE_PARAMS,
                "responses": {"200": _json(_page_of("Trainee"), "A page of trainees"), **BAD_PAGE, **ERRORS}}},
            "/transcripts/{share_id}.pdf": {"get": {
                "summary": "A transcript a trainee shared with the organization, as a PDF",
                "parameters": [_id_param("share_id")],
                "responses": {"200": {"description": "The transcript",
                                      "content": {"application/pdf": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}},
                              **NOT_FOUND, **ERRORS}}},
            "/transcripts/{share_id}.jwt": {"get": {
                "summary": "The signed learner record (CLR 2.0) of a transcript shared with the organization",
                "parameters": [_id_param("share_id")],
                "responses": {"200": {"description": "A compact VC-JWT",
                                      "content": {"application/vc+jwt": {"schema": {"type": "string"}}}},
                              **NOT_FOUND, **ERRORS}}},
            "/certificates": {"get": {"summary": "Certificates of the organization's trainees", "parameters": PAGE_PARAMS,
                                      "responses": {"200": _json(_page_of("Certificate"), "A page of certificates"),
                                                    **BAD_PAGE, **ERRORS}}},
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "responses": {
                name: _json(_ref("Error"), text) for name, text in (
                    ("Unauthorized", "The key is missing, not valid or revoked"),
                    ("NotFound", "Not found, or another organization's"),
                    ("BadRequest", "The request is malformed"),
                    ("Refused", "A rule refused the request (no free seat, not a trainee of yours...)"),
                    ("RateLimited", "Too many requests"))},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"], "properties": {"code": s, "message": s}}}},
                "PageMeta": {"type": "object", "required": ["page", "per_page", "total", "next"], "properties": {
                    "page": i, "per_page": i, "total": i, "next": {"type": "string", "nullable": True}}},
                "Cohort": {"type": "object", "required": ["id", "name", "course", "start_date", "timezone"],
                           "properties": {"id": i, "name": s, "course": s, "timezone": s,
                                          "start_date": {"type": "string", "format": "date"}}},
                "EnrollRequest": {"type": "object", "required": ["email", "first_name", "last_name"],
                                  "additionalProperties": False,
                                  "properties": {"email": {"type": "string", "format": "email"},
                                                 "first_name": _ref("PlainText"), "last_name": _ref("PlainText")}},
                # app/inputs.py refuses control characters (tab, line feed and carriage return aside) in any text
                "PlainText": {"type": "string", "description": "Text without control characters",
                              "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"},
                "Enrollment": {"type": "object",
                               "required": ["id", "cohort_id", "trainee_id", "email", "name", "status",
                                            "invitation_pending"],
                               "properties": {"id": i, "cohort_id": i, "trainee_id": i, "email": s, "name": s,
                                              "status": {"type": "string",
                                                         "enum": ["invited", "active", "withdrawn", "completed"]},
                                              "invitation_pending": {"type": "boolean"}}},
                "Progress": {"type": "object", "required": ["trainee_id", "email", "name", "enrollments"],
                             "properties": {"trainee_id": i, "email": s, "name": s, "enrollments": {
                                 "type": "array", "items": _ref("CohortProgress")}}},
                "CohortProgress": {
                    "type": "object",
                    "required": ["cohort_id", "status", "overall_percent", "eligible", "weeks", "supervision", "missing",
                                 "at_risk"],
                    "properties": {
                        "cohort_id": i, "status": s, "overall_percent": i, "eligible": {"type": "boolean"},
                        "weeks": {"type": "array", "items": {"type": "object", "required": ["week", "state"],
                                                             "properties": {"week": i, "state": {
                                                                 "type": "string",
                                                                 "enum": ["not_started", "in_progress", "complete"]}}}},
                        "supervision": {"type": "object",
                                        "required": ["approved_hours", "individual_hours", "group_hours",
                                                     "required_hours", "categories"],
                                        "properties": {**{k: {"type": "number"} for k in (
                                            "approved_hours", "individual_hours", "group_hours", "required_hours")},
                                            "categories": {"type": "array", "items": {
                                                "type": "object", "required": ["key", "label", "hours", "required_hours"],
                                                "properties": {"key": s, "label": s, "hours": {"type": "number"},
                                                               "required_hours": {"type": "number"}}}}}},
                        "at_risk": {"type": "boolean"},
                        "missing": {"type": "array", "items": s}}},
                "Trainee": {
                    "type": "object", "required": ["trainee_id", "email", "name", "certificates", "transcripts"],
                    "description": "A trainee and the links to their credentials. `transcripts` lists only what the "
                                   "trainee shared with your organization itself (on their certificate page), until "
                                   "the date they chose; a link they made for a named person is theirs to hand "
                                   "over and never appears here.",
                    "properties": {"trainee_id": i, "email": s, "name": s,
                                   "certificates": {"type": "array", "items": _ref("Certificate")},
                                   "transcripts": {"type": "array", "items": _ref("TranscriptLink")}}},
                "TranscriptLink": {
                    "type": "object", "required": ["cohort_id", "shared_until", "pdf_url", "learner_record_url"],
                    "properties": {"cohort_id": i, "shared_until": {"type": "string", "format": "date-time"},
                                   "pdf_url": {"type": "string", "format": "uri",
                                               "description": "The transcript as a PDF (this API key)"},
                                   "learner_record_url": {
                                       "type": "string", "format": "uri",
                                       "description": "The signed learner record, a 1EdTech CLR 2.0 ClrCredential "
                                                      "as a VC-JWT (this API key); 404 while it would hold nothing"}}},
                "Certificate": {"type": "object",
                                "required": ["id", "serial", "trainee_id", "cohort_id", "issued_at", "valid_until",
                                             "status", "verify_url", "credential_url"],
                                "properties": {"id": s, "serial": {"type": "string", "nullable": True}, "trainee_id": i,
                                               "cohort_id": i, "issued_at": {"type": "string", "nullable": True},
                                               "valid_until": {"type": "string", "format": "date"},
                                               "status": {"type": "string",
                                                          "enum": ["active", "expired", "suspended", "revoked"]},
                                               "verify_url": {"type": "string", "format": "uri", "nullable": True,
                                                              "description": "The public page that verifies it"},
                                               "credential_url": {
                                                   "type": "string", "format": "uri", "nullable": True,
                                                   "description": "Where the holder, signed in, downloads the signed "
                                                                  "Open Badge (.jwt). It answers the holder only, "
                                                                  "never an API key or an organization admin: pass "
                                                                  "it on to the trainee. Null if the certificate has "
                                                                  "no signed credential."}}},
            },
        },
    }
