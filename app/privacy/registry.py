"""Where personal data lives: one entry per table, in one place, read by the export and by erasure.

Modelled on Moodle's privacy API (each plugin declares its metadata; export and deletion follow it). For
each table the registry says:

- which columns link a row to a person (`links`): every foreign key to `users`, and the few links that are
  not foreign keys (an outbox message's address, a roster upload's rows, an audit entry about a user);
- what each free-text or JSON column is (every one is classified, so none is forgotten):
  `text`       free text that may name anyone: exported; on erasure the erased person's name and email are
               replaced by their pseudonym wherever they appear, in every row;
  `blank`      the person's own free text (or text about them): exported; on erasure emptied in their rows
               (and, like `text`, searched for their name elsewhere);
  `replaced`   rewritten by a step of its own in `app/privacy/erasure.py` (the reason says how);
  `personal`   personal data that erasure does not rewrite column by column, for the stated reason (no
               identifier in it, a signed credential, the append-only audit, or the row is deleted);
  `secret`     hashes and keys: never exported;
  `not_personal` holds nothing about a person, with the reason;
- what erasure does with the rows the person is the subject of (`erase`): keep them linked to the
  anonymised account (records others rely on: grades, hours, certificates), or delete them.

`tests/unit/test_privacy_registry.py` walks every table and column of the models and fails when a
foreign key to users or a text column is not classified here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class Role(enum.StrEnum):
    #: the row is about the person, or by them: exported whole; erasure empties its `blank` columns
    SUBJECT = "subject"
    #: the person acted on someone else's row (graded it, recorded it, moderated it): exported without the
    #: row's free text (except `own_text`, what they wrote themselves); erasure leaves the row as it is
    ACTOR = "actor"


class Match(enum.StrEnum):
    USER_ID = "user_id"            # the column holds users.id
    SELF = "self"                  # the users row itself
    VIA = "via"                    # the column holds the id of a row of `via[0]` whose `via[1]` is users.id
    EMAIL = "email"                # the column holds an email address (compared case-insensitively)
    JSON_EMAIL = "json_email"      # a JSON list of rows, some of which carry the person's "email"
    #: audit entries whose object is the user, or a row of a registered table the user is the subject of
    USER_OBJECT = "user_object"


@dataclass(frozen=True)
class Link:
    column: str
    #: how the person is named in the export ("author", "grader"...)
    label: str
    role: Role = Role.SUBJECT
    match: Match = Match.USER_ID
    via: tuple[str, str] | None = None
    #: for an ACTOR link: the free text of the row they wrote themselves, exported to them
    own_text: tuple[str, ...] = ()


class Erase(enum.StrEnum):
    KEEP = "keep"        # the rows stay, linked to the anonymised account; `blank` columns are emptied
    DELETE = "delete"    # the rows are deleted
    CUSTOM = "custom"    # a step of its own in erasure.py (its `note` says what)


def _frozen(d: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Table:
    name: str
    #: what a person finds in this file of their export
    title: str
    links: tuple[Link, ...] = ()
    text: tuple[str, ...] = ()
    blank: tuple[str, ...] = ()
    replaced: Mapping[str, str] = field(default_factory=_frozen)
    personal: Mapping[str, str] = field(default_factory=_frozen)
    secret: Mapping[str, str] = field(default_factory=_frozen)
    not_personal: Mapping[str, str] = field(default_factory=_frozen)
    erase: Erase = Erase.KEEP
    #: why the rows are kept or deleted, or what the custom step does
    note: str = ""

    @property
    def subject_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.role is Role.SUBJECT)

    @property
    def searched(self) -> tuple[str, ...]:
        """Columns searched for the erased person's name and email in every row."""
        return self.blank + self.text

    def classified(self) -> dict[str, str]:
        """Every classified column and its class (a column in two classes is a mistake the test reports)."""
        out: dict[str, str] = {}
        groups = (("text", self.text), ("blank", self.blank), ("replaced", self.replaced), ("personal", self.personal),
                  ("secret", self.secret), ("not_personal", self.not_personal))
        for kind, cols in groups:
            for col in cols:
                out[col] = f"{out[col]}+{kind}" if col in out else kind
        return out


@dataclass(frozen=True)
class NotPersonal:
    """A table that holds nothing about any person (programme content imported from files, say)."""

    name: str
    reason: str


ERASED_TEXT = "[erased at the person's request]"
WITHHELD_NAME = "Name withheld at the holder's request"
ERASED_DOMAIN = "erased.invalid"


def pseudonym(user_id: int) -> tuple[str, str]:
    """The name and email an erased account keeps: the same in every audit entry and record that names it."""
    return f"erased-person-{user_id}", f"erased-person-{user_id}@{ERASED_DOMAIN}"


S, A = Role.SUBJECT, Role.ACTOR
ENUM = "a fixed vocabulary"

TABLES: tuple[Table, ...] = (
    Table("users", "Your account", links=(Link("id", "you", match=Match.SELF),),
          replaced={"name": "replaced by the pseudonym erased-person-<id>",
                    "email": "replaced by erased-person-<id>@erased.invalid",
                    "timezone": "reset to the platform's default"},
          secret={"password_hash": "a password hash"},
          erase=Erase.CUSTOM,
          note="The account is kept (records point at it), deactivated, signed out everywhere, its password "
               "removed and its name and email replaced by a pseudonym."),
    Table("enrollments", "Your enrollments", links=(Link("user_id", "trainee"),),
          note="Kept for the cohort's records; a current enrollment is withdrawn, freeing the seat.",
          erase=Erase.CUSTOM),
    Table("cohort_instructors", "Cohorts you teach", links=(Link("user_id", "instructor"),)),
    Table("supervisor_assignments", "Your supervisors and supervisees",
          links=(Link("trainee_id", "trainee"), Link("supervisor_id", "supervisor")),
          erase=Erase.DELETE, note="Current relations, not records: deleted."),
    Table("auth_tokens", "Sign-in links sent to you", links=(Link("user_id", "holder"),),
          secret={"token_hash": "the SHA-256 of a single-use link"}, erase=Erase.DELETE),
    Table("lecture_views", "Lectures you marked as read", links=(Link("user_id", "reader"),)),
    Table("attendance", "Live-session attendance",
          links=(Link("user_id", "attendee"), Link("recorded_by_id", "recorded by", A))),
    Table("recording_views", "Session recordings you watched", links=(Link("user_id", "viewer"),)),
    Table("week_unlocks", "Weeks you opened early", links=(Link("unlocked_by_id", "opened by", A),)),
    Table("quiz_attempts", "Your quiz attempts", links=(Link("user_id", "trainee"),),
          personal={"layout": "question and option keys in the order shown: no identifier",
                "answers": "the option keys chosen: no identifier"}),
    Table("accommodations", "Your accommodations",
          links=(Link("user_id", "trainee"), Link("set_by_id", "set by", A)),
          blank=("note",), erase=Erase.DELETE,
          note="Only future due dates use them: deleted."),
    Table("granted_exceptions", "Exceptions granted to you",
          links=(Link("user_id", "trainee"),
                 Link("granted_by_id", "granted by", A, own_text=("reason", "alternative")),
                 Link("revoked_by_id", "revoked by", A, own_text=("revoke_reason",))),
          blank=("alternative", "reason", "revoke_reason"),
          not_personal={"item": "a requirement key such as week-3-quiz"}),
    Table("deferrals", "Your deferrals to a later cohort",
          links=(Link("user_id", "trainee"), Link("actor_id", "deferred by", A, own_text=("reason",))),
          blank=("reason",)),
    Table("roleplay_submissions", "Your role-play submissions", links=(Link("trainee_id", "trainee"),),
          blank=("transcript_md", "reflection_md"),
          not_personal={"script": "standard or alternative", "double_mark_reason": ENUM}),
    Table("roleplay_recordings", "Your role-play recordings",
          links=(Link("submission_id", "trainee", match=Match.VIA, via=("roleplay_submissions", "trainee_id")),),
          not_personal={"stored_name": "a random file name", "mime": "a media type", "extension": "a file type"},
          erase=Erase.CUSTOM, note="The file is deleted; the row stays, marked deleted."),
    Table("rubric_grades", "Grades on your role-plays, and grades you gave",
          links=(Link("submission_id", "trainee", match=Match.VIA, via=("roleplay_submissions", "trainee_id")),
                 Link("grader_id", "grader", A, own_text=("comments", "overall_comment"))),
          blank=("comments", "overall_comment"),
          personal={"levels": "rubric levels: no identifier"}),
    Table("calibration_exemplars", "Calibration exemplars you wrote",
          links=(Link("created_by_id", "author", A, own_text=("title", "transcript_md")),),
          text=("title", "transcript_md"), personal={"reference_levels": "rubric levels: no identifier"}),
    Table("calibration_grades", "Your calibration grades", links=(Link("grader_id", "grader"),),
          personal={"levels": "rubric levels: no identifier"}),
    Table("threads", "Discussion threads you started",
          links=(Link("author_id", "author"),), blank=("title",)),
    Table("posts", "Your discussion posts",
          links=(Link("author_id", "author"), Link("hidden_by_id", "hidden by", A)),
          blank=("body_md",),
          note="Kept in their place in the thread, the text erased; @mentions of the person in other "
               "posts become their pseudonym."),
    Table("post_reports", "Posts you reported",
          links=(Link("reporter_id", "reporter"), Link("resolved_by_id", "resolved by", A)),
          blank=("reason",), not_personal={"resolution": ENUM}),
    Table("thread_reads", "How far you read each thread", links=(Link("user_id", "reader"),),
          erase=Erase.DELETE),
    Table("thread_follows", "Threads you follow", links=(Link("user_id", "follower"),), erase=Erase.DELETE),
    Table("notifications", "Your notifications",
          links=(Link("user_id", "recipient"), Link("actor_id", "caused by", A)), erase=Erase.DELETE,
          note="Notifications to the person are deleted; those their posts caused for others stay."),
    Table("event_notices", "Your notifications about sessions, grades, certificates and requests",
          links=(Link("user_id", "recipient"), Link("actor_id", "caused by", A)), erase=Erase.DELETE,
          not_personal={"kind": ENUM, "event_key": "the event's kind and the object's id",
                        "message": "what happened, written without anyone's name",
                        "path": "a page of the platform"},
          note="Notifications to the person are deleted; those they caused for others stay, naming their "
               "pseudonym."),
    Table("notification_preferences", "Your notification settings", links=(Link("user_id", "owner"),),
          erase=Erase.DELETE),
    Table("supervisor_credentials", "Your supervisor credential",
          links=(Link("user_id", "supervisor"), Link("verified_by_id", "verified by", A)),
          personal={"license_number": "the row is deleted", "state": "the row is deleted"},
          erase=Erase.DELETE),
    Table("supervision_sessions", "Your supervision sessions",
          links=(Link("trainee_id", "trainee"), Link("supervisor_id", "supervisor", A, own_text=("return_reason",))),
          blank=("summary", "action_items", "return_reason"),
          personal={"credential_snapshot": "the supervisor's credential as signed: the evidence for the hours",
                "topics": "topic keys: no identifier"},
          not_personal={"category": "one of the program's hour categories",
                        "signature_hash": "a SHA-256 of the record as signed",
                        "group_key": "a random key shared by one group session's rows"}),
    Table("hours_statements", "Hours statements you downloaded", links=(Link("trainee_id", "trainee"),),
          personal={"totals": "hours by category: no identifier; the statement stays verifiable"},
          not_personal={"reference": "a random reference"}),
    Table("conduct_signatures", "Code of conduct you signed", links=(Link("user_id", "signatory"),)),
    Table("final_signoffs", "Final sign-offs",
          links=(Link("user_id", "trainee"), Link("signed_by_id", "signed by", A))),
    Table("certificates", "Your certificates",
          links=(Link("user_id", "holder"),),
          blank=("status_reason",),
          replaced={"snapshot": "the holder's name becomes \"" + WITHHELD_NAME + "\"; the rest stays as issued"},
          personal={"credential_jwt": "the signed Open Badge as issued: it names the holder and holds a salted hash "
                                  "of their email; changing it would break its signature, so it stays verifiable"},
          not_personal={"uuid": "the certificate's random id", "serial": "the certificate's serial",
                        "course_version": "a version label", "active_key": "user id, course and version",
                        "key_id": "the issuer key that signed it"},
          erase=Erase.CUSTOM,
          note="Kept and verifiable as issued; the public verify page withholds the holder's name."),
    Table("transcript_shares", "Transcripts you shared",
          links=(Link("user_id", "trainee"),), blank=("recipient",),
          secret={"token_hash": "the SHA-256 of the share link"},
          erase=Erase.CUSTOM, note="Every share is withdrawn."),
    Table("roster_imports", "Roster uploads that listed you",
          links=(Link("rows", "listed", match=Match.JSON_EMAIL),
                 Link("uploaded_by_id", "uploaded by", A, own_text=("filename",))),
          text=("filename",),
          replaced={"rows": "the person's rows get the pseudonym for email and names"},
          erase=Erase.CUSTOM, note="Deleted after ROSTER_RETENTION_DAYS in any case."),
    Table("seat_changes", "Seat changes you made",
          links=(Link("actor_id", "changed by", A, own_text=("reason",)),), text=("reason",)),
    Table("lti_identities", "Your accounts in partner learning systems (LTI)",
          links=(Link("user_id", "person"),),
          personal={"issuer": "the learning system that launched you (its address)",
                    "subject": "that system's opaque id for you, kept so your next launch finds your account"},
          erase=Erase.DELETE, note="Deleted: a later launch from that system would start a new account."),
    Table("lti_resource_links", "Course links you set up in a learning system (LTI)",
          links=(Link("created_by_id", "set up by", A),),
          not_personal={"resource_link_id": "the learning system's id for a link in a course",
                        "title": "the link's title in the learning system"}),
    Table("api_keys", "API keys you created", links=(Link("created_by_id", "created by", A),),
          not_personal={"name": "a label for an organization's system", "prefix": "the key's first characters"},
          secret={"key_hash": "the SHA-256 of the key"}),
    Table("outbox_messages", "Mail sent to you",
          links=(Link("to_address", "recipient", match=Match.EMAIL),),
          text=("subject", "body", "last_error", "headers"),
          erase=Erase.DELETE, note="Mail to the person is deleted; their name in mail to others becomes the "
                                   "pseudonym. All sent mail is deleted after OUTBOX_RETENTION_DAYS."),
    Table("mail_suppressions", "Your address on the bounce list",
          links=(Link("address", "address", match=Match.EMAIL),), text=("reason",), erase=Erase.DELETE),
    Table("audit_events", "Audit entries about you or by you",
          links=(Link("object_id", "about you", match=Match.USER_OBJECT),
                 Link("actor_id", "by you", A, own_text=("ip",))),
          personal={"before": "the audit log is append-only (no entry is changed); new entries store ids, not "
                          "names or emails, and the entries' actor shows the pseudonym",
                "after": "as `before`",
                "ip": "the address a change came from: append-only, as `before`"},
          not_personal={"action": "an action name", "object_type": "a model name", "object_id": "a row id",
                        "prev_hash": "the hash chain: a digest of the previous entry",
                        "hash": "the hash chain: a digest of this entry"},
          note="Never changed: the append-only log keeps user ids, which now show the pseudonym."),
    # wellbeing: the trainee's own, private; shares go before the journal entries they point at
    Table("wellbeing_shares", "Check-ins and journal entries you shared with a supervisor",
          links=(Link("user_id", "trainee"), Link("supervisor_id", "shared with", A)), erase=Erase.DELETE),
    Table("wellbeing_checkins", "Your wellbeing check-ins", links=(Link("user_id", "trainee"),),
          text=("note",), personal={"answers": "the trainee's own answers, deleted on erasure"},
          erase=Erase.DELETE),
    Table("journal_entries", "Your journal", links=(Link("user_id", "writer"),), text=("body",),
          erase=Erase.DELETE),
    Table("peer_circles", "Peer-support circles you set up or facilitate",
          links=(Link("created_by_id", "set up by", A), Link("facilitator_id", "facilitated by", A)),
          text=("name",), note="Kept for their members; the person's name in a circle's name becomes the pseudonym."),
    Table("circle_members", "Your places in peer-support circles", links=(Link("user_id", "member"),),
          erase=Erase.DELETE),
    Table("circle_posts", "What you wrote in peer-support circles",
          links=(Link("author_id", "author"), Link("hidden_by_id", "hidden by", A)), blank=("body_md",),
          note="Kept in their place in the circle's thread, the text erased."),
    Table("support_requests", "Requests to talk you made or answered",
          links=(Link("trainee_id", "asked by"), Link("recipient_id", "asked", A),
                 Link("acknowledged_by_id", "acknowledged by", A, own_text=("reply",))),
          blank=("message",), text=("reply",),
          note="Kept (who was asked and when it was answered), with what the trainee wrote emptied."),
    Table("job_runs", "(not exported: no link to a person)",
          text=("summary",),
          not_personal={"job": "a job key", "status": "a run status", "node": "a host name and process id",
                        "trigger": "schedule, admin or command"},
          note="Deleted after LOG_RETENTION_DAYS (the latest run of each job stays)."),
    Table("local_resources", "Your organization's local crisis and reporting lines",
          text=("mobile_crisis", "reporting_route", "reporting_hotline", "local_lines"),
          not_personal={"state": "a state's postal code"},
          note="an organization's public services; its admins may name a contact person, so the text is searched"),
)

NOT_PERSONAL: tuple[NotPersonal, ...] = (
    NotPersonal("organizations", "partner organizations: names of organizations, not people"),
    NotPersonal("cohorts", "cohort names, dates and time zones"),
    NotPersonal("live_sessions", "session times and meeting links of a cohort"),
    NotPersonal("lti_platforms", "an organization's learning system registration: addresses and ids, no person"),
    NotPersonal("lti_nonces", "random one-time values of accepted launches, no person"),
    NotPersonal("courses", "program content imported from the course files"),
    NotPersonal("modules", "program content imported from the course files"),
    NotPersonal("scenarios", "program content imported from the course files"),
    NotPersonal("discussion_prompts", "program content imported from the course files"),
    NotPersonal("quizzes", "program content imported from the course files"),
    NotPersonal("questions", "program content imported from the course files"),
    NotPersonal("rubrics", "program content imported from the course files"),
    NotPersonal("rubric_criteria", "program content imported from the course files"),
)

BY_NAME: Mapping[str, Table] = MappingProxyType({t.name: t for t in TABLES})


def exported_tables() -> tuple[Table, ...]:
    """The tables a person's export has a file for: those with a link to a person."""
    return tuple(t for t in TABLES if t.links)
