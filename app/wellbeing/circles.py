"""Peer-support circles: small groups inside one cohort with a private thread.

The program's files choose whether a cohort has circles and who forms them (`[wellbeing] circles`:
"instructor" or "self") and how big they may be (`circle_size`). A circle's thread is read by its members
and its facilitator only: the instructor who set it up, or, for a circle trainees formed themselves, the
cohort's lead instructor, who moderates it (the page says so to every member). Nobody else, organization
admins and other instructors included, has a route to it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit, policy
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import CircleMember, CirclePost, Cohort, Enrollment, PeerCircle, User
from app.models.orgs import CURRENT_STATUSES
from app.wellbeing.services import wellbeing_rules

POST_MAX_CHARS = 5_000
NAME_MAX_CHARS = 80


class CircleRefused(DomainError):
    pass


def mode(cohort: Cohort) -> str:
    return wellbeing_rules(cohort.course)["circles"]


def size(cohort: Cohort) -> int:
    return wellbeing_rules(cohort.course)["circle_size"]


def lead_of(cohort: Cohort) -> User | None:
    return next((s.user for s in cohort.staff if s.is_lead), None)


def current_trainee_ids(cohort: Cohort) -> set[int]:
    return set(db.session.scalars(sa.select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.status.in_(CURRENT_STATUSES))))


def cohorts_with_circles(user: User) -> list[Cohort]:
    """The trainee's current cohorts whose program has circles."""
    cohorts = db.session.scalars(sa.select(Cohort).join(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.status.in_(CURRENT_STATUSES)).order_by(Cohort.start_date))
    return [c for c in cohorts if mode(c) != "off"]


def circles_of(cohort: Cohort) -> list[PeerCircle]:
    return list(db.session.scalars(
        sa.select(PeerCircle).where(PeerCircle.cohort_id == cohort.id)
        .options(selectinload(PeerCircle.members).selectinload(CircleMember.user), selectinload(PeerCircle.facilitator))
        .order_by(PeerCircle.name, PeerCircle.id)))


def circle_of(user: User, cohort: Cohort) -> PeerCircle | None:
    return db.session.scalar(sa.select(PeerCircle).join(CircleMember).where(
        CircleMember.cohort_id == cohort.id, CircleMember.user_id == user.id))


def is_member(user: User, circle: PeerCircle) -> bool:
    return any(m.user_id == user.id for m in circle.members)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_CHARS:
        raise CircleRefused(f"Give the circle a name of 1 to {NAME_MAX_CHARS} characters.")
    return name


def _check_open(cohort: Cohort, wanted: str) -> None:
    if mode(cohort) != wanted:
        raise CircleRefused({"off": "This program has no peer-support circles.",
                             "instructor": "In this program the instructors set up the circles.",
                             "self": "In this program trainees form their own circles."}[mode(cohort)])


def _add_members(circle: PeerCircle, user_ids: list[int]) -> None:
    taken = dict(db.session.execute(sa.select(CircleMember.user_id, PeerCircle.name).join(PeerCircle).where(
        CircleMember.cohort_id == circle.cohort_id, CircleMember.user_id.in_(user_ids))).all())
    if taken:
        names = {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(taken)))}
        who = ", ".join(f"{names[uid]} (in “{cname}”)" for uid, cname in taken.items())
        raise CircleRefused(f"A trainee is in one circle per cohort: {who}.")
    try:
        with db.session.begin_nested():
            for uid in user_ids:
                db.session.add(CircleMember(circle=circle, cohort_id=circle.cohort_id, user_id=uid))
            db.session.flush()
    except IntegrityError:
        raise CircleRefused("Someone joined another circle a moment ago; reload and try again.") from None


def create_by_instructor(cohort: Cohort, actor: User, *, name: str, member_ids: list[int]) -> PeerCircle:
    """A circle an instructor of the cohort sets up and facilitates, with trainees of this cohort only."""
    _check_open(cohort, "instructor")
    members = sorted(set(member_ids))
    if not members:
        raise CircleRefused("Choose at least one trainee for the circle.")
    if len(members) > size(cohort):
        raise CircleRefused(f"A circle has at most {size(cohort)} members in this program; you chose {len(members)}.")
    if set(members) - current_trainee_ids(cohort):
        raise CircleRefused("A circle's members are trainees of this cohort; choose from the list.")
    circle = PeerCircle(cohort_id=cohort.id, name=_name(name), facilitator_id=actor.id, created_by_id=actor.id)
    db.session.add(circle)
    _add_members(circle, members)
    audit.record("circle.created", circle, actor=actor, after={"cohort_id": cohort.id, "members": members})
    return circle


def create_by_trainee(cohort: Cohort, trainee: User, *, name: str) -> PeerCircle:
    """A circle a trainee forms (and is the first member of); the lead instructor facilitates it."""
    _check_open(cohort, "self")
    if trainee.id not in current_trainee_ids(cohort):
        raise CircleRefused("Only trainees of this cohort form its circles.")
    lead = lead_of(cohort)
    if lead is None:
        raise CircleRefused("This cohort has no lead instructor to facilitate a circle yet; ask your program.")
    circle = PeerCircle(cohort_id=cohort.id, name=_name(name), facilitator_id=lead.id, created_by_id=trainee.id)
    db.session.add(circle)
    _add_members(circle, [trainee.id])
    audit.record("circle.created", circle, actor=trainee, after={"cohort_id": cohort.id, "members": [trainee.id]})
    return circle


def join(circle: PeerCircle, trainee: User) -> None:
    cohort = circle.cohort
    _check_open(cohort, "self")
    if trainee.id not in current_trainee_ids(cohort):
        raise CircleRefused("Only trainees of this cohort join its circles.")
    # the circle's row is locked while its places are counted, so two people cannot take the last one
    db.session.execute(sa.select(PeerCircle.id).where(PeerCircle.id == circle.id).with_for_update())
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CircleMember)
                              .where(CircleMember.circle_id == circle.id))
    if count >= size(cohort):
        raise CircleRefused(f"“{circle.name}” is full ({size(cohort)} members). Join another or form your own.")
    _add_members(circle, [trainee.id])
    audit.record("circle.joined", circle, actor=trainee)


def leave(circle: PeerCircle, trainee: User) -> None:
    member = db.session.scalar(sa.select(CircleMember).where(CircleMember.circle_id == circle.id,
                                                             CircleMember.user_id == trainee.id))
    if member is None:
        raise CircleRefused("You are not in this circle.")
    db.session.delete(member)
    audit.record("circle.left", circle, actor=trainee)
    db.session.flush()


def posts(circle: PeerCircle) -> list[CirclePost]:
    return list(db.session.scalars(sa.select(CirclePost).where(CirclePost.circle_id == circle.id)
                                   .options(selectinload(CirclePost.author)).order_by(CirclePost.id)))


def add_post(circle: PeerCircle, author: User, body: str) -> CirclePost:
    if not policy.can_read_circle(author, circle):
        raise CircleRefused("Only the circle's members and facilitator write here.")
    body = (body or "").strip()
    if not body:
        raise CircleRefused("Write something before posting.")
    if len(body) > POST_MAX_CHARS:
        raise CircleRefused(f"A post can be at most {POST_MAX_CHARS:,} characters; yours has {len(body):,}.")
    post = CirclePost(circle_id=circle.id, author_id=author.id, body_md=body)
    db.session.add(post)
    db.session.flush()
    return post


def hide_post(post: CirclePost, circle: PeerCircle, actor: User) -> None:
    if circle.facilitator_id != actor.id:
        raise CircleRefused("Only the circle's facilitator hides posts.")
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by_id = utcnow(), actor.id
        audit.record("circle.post_hidden", post, actor=actor, after={"circle_id": circle.id})
        db.session.flush()
