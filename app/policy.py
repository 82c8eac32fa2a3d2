"""Every permission rule in one place, as pure predicates.

No Flask imports: each `can_*` takes the user (a `User` or Flask-Login's
anonymous user) and the object, and may read the object's loaded attributes.
Views enforce them through `app.guards`; templates call the same functions
through the `policy` Jinja global, so a hidden button and a refused request
never disagree.
"""

from __future__ import annotations

from typing import Any

from app.models.users import Role


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def _role(user: Any) -> Role | None:
    return getattr(user, "role", None) if _authed(user) else None


def has_role(user: Any, *roles: Role) -> bool:
    return _role(user) in roles


# Route-level rules ------------------------------------------------------------

def public(_user: Any) -> bool:
    """Pages anyone may open: login, password reset, health check."""
    return True


def signed_in(user: Any) -> bool:
    """Dashboard, profile, password change: any active account."""
    return _authed(user)


def can_view_course(user: Any, course: Any = None) -> bool:
    """The read-only outline: every signed-in role. Archived courses: admins only."""
    if not _authed(user):
        return False
    if course is not None and getattr(course, "archived_at", None) is not None:
        return has_role(user, Role.ADMIN)
    return True


def can_list_cohorts(user: Any) -> bool:
    return has_role(user, Role.ADMIN, Role.ORG_ADMIN, Role.INSTRUCTOR, Role.TRAINEE)


# Object rules -----------------------------------------------------------------

def is_cohort_staff(user: Any, cohort: Any) -> bool:
    return has_role(user, Role.INSTRUCTOR) and any(s.user_id == user.id for s in cohort.staff)


def same_org(user: Any, obj_org_id: int | None) -> bool:
    return obj_org_id is not None and getattr(user, "organization_id", None) == obj_org_id


def can_view_cohort(user: Any, cohort: Any, *, is_enrolled: bool = False) -> bool:
    """Admins; the cohort's organization admin; its instructors; its own trainees."""
    role = _role(user)
    if role is Role.ADMIN:
        return True
    if role is Role.ORG_ADMIN:
        return same_org(user, cohort.organization_id)
    if role is Role.INSTRUCTOR:
        return is_cohort_staff(user, cohort)
    if role is Role.TRAINEE:
        return is_enrolled
    return False


def can_see_roster(user: Any, cohort: Any) -> bool:
    """Names and emails of every trainee: staff and admins, not fellow trainees."""
    return can_view_cohort(user, cohort) and _role(user) is not Role.TRAINEE


def can_administer(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


# Weeks, live sessions, quizzes -------------------------------------------------

def can_teach(user: Any, cohort: Any) -> bool:
    """Run the cohort's weeks: edit live sessions, take attendance, unlock early, see progress."""
    return has_role(user, Role.ADMIN) or is_cohort_staff(user, cohort)


def can_see_week_content(user: Any, cohort: Any, *, is_enrolled: bool, is_open: bool) -> bool:
    """A locked week shows its title and date only, to trainees; staff prepare ahead."""
    if not can_view_cohort(user, cohort, is_enrolled=is_enrolled):
        return False
    return is_open or _role(user) is not Role.TRAINEE


def can_see_join_link(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    return can_teach(user, cohort) or (has_role(user, Role.TRAINEE) and is_enrolled)


def can_take_quiz(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    return has_role(user, Role.TRAINEE) and is_enrolled


def can_view_attempt(user: Any, attempt: Any, cohort: Any) -> bool:
    return (_authed(user) and attempt.user_id == user.id) or can_teach(user, cohort)


# Discussion ---------------------------------------------------------------------

def can_read_discussion(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    """A cohort's discussion: its own trainees and its staff (and platform admins), nobody else."""
    return can_teach(user, cohort) or (has_role(user, Role.TRAINEE) and is_enrolled)


def can_post(user: Any, cohort: Any, *, is_enrolled: bool) -> bool:
    """Start threads, post and reply: the same people who read."""
    return can_read_discussion(user, cohort, is_enrolled=is_enrolled)


def can_moderate(user: Any, cohort: Any) -> bool:
    """Pin, lock, hide and work the report queue: the cohort's instructors and platform admins."""
    return can_teach(user, cohort)


def is_author(user: Any, post: Any) -> bool:
    return _authed(user) and post.author_id == user.id
