"""The card a person sees: their organization's local lines when it has set them, and always the national ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import audit
from app.extensions import db
from app.models import LocalResources, Organization

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}

#: (who, how to reach them, tel: number or "") — shown to everyone, under any organization's own lines
NATIONAL_LINES = (
    ("988 Suicide & Crisis Lifeline", "call or text 988, any time", "988"),
    ("Crisis Text Line", "text HOME to 741741", ""),
    ("The Trevor Project (LGBTQ+ young people)", "call 1-866-488-7386, or text START to 678-678", "18664887386"),
    ("SAMHSA National Helpline (treatment referral and information)", "call 1-800-662-4357, free and confidential",
     "18006624357"),
    ("Childhelp National Child Abuse Hotline (can tell you your state's reporting line)", "call 1-800-422-4453",
     "18004224453"),
    ("Emergency", "call 911 when someone is in immediate danger", "911"),
)

FIELDS = ("state", "mobile_crisis", "reporting_route", "reporting_hotline", "local_lines")


@dataclass(frozen=True)
class Card:
    """What a page shows: `local` is None when the person's organization has set no lines."""

    local: LocalResources | None
    organization: str = ""

    @property
    def state_name(self) -> str:
        return STATES.get(self.local.state, "") if self.local else ""

    @property
    def other_lines(self) -> list[str]:
        return [line.strip() for line in (self.local.local_lines if self.local else "").splitlines() if line.strip()]

    national = NATIONAL_LINES


def _is_set(row: LocalResources | None) -> bool:
    return row is not None and any(getattr(row, f) for f in FIELDS if f != "state")


def card_for(user: Any) -> Card:
    """The signed-in person's card. Reads their organization's row through relationships the user loader
    loads with the user, so a page pays no statement for it."""
    org: Organization | None = getattr(user, "organization", None)
    row = org.local_resources if org is not None else None
    return Card(row, org.name) if _is_set(row) else Card(None)


def resources_of(org: Organization) -> LocalResources:
    """The organization's row, or a new empty one (not added to the session) for its edit form."""
    return org.local_resources or LocalResources(organization_id=org.id, state="", mobile_crisis="",
                                                 reporting_route="", reporting_hotline="", local_lines="")


def save(org: Organization, values: dict[str, str], *, actor: Any, ip: str | None) -> LocalResources:
    row = resources_of(org)
    before = {f: getattr(row, f) for f in FIELDS} if row.id else None
    for f in FIELDS:
        setattr(row, f, (values.get(f) or "").strip())
    if row.id is None:
        db.session.add(row)
        org.local_resources = row
    db.session.flush()
    audit.record("local_resources.update", row, actor=actor, before=before,
                 after={f: getattr(row, f) for f in FIELDS}, ip=ip)
    return row
