"""Who may do what: the one place that decides (house rule; never ad hoc in views).

Actions are strings `<area>.<verb>`. `PERMISSIONS` maps each to the roles allowed to attempt it;
object rules (a trainer acts on the clients assigned to them, a client only on themself) are applied
by the area's selectors through the predicates below, so a list can never include what `can` would refuse.
Role groups and role predicates live here and nowhere else. The matrix is rendered in docs/access.md.

Services that take an actor call `require` themselves (the permission layer, see docs/architecture.md);
API endpoints and portal pages call the service and render what it answers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.exceptions import PermissionDeniedError
from core.models import Role, User

OWNER, MANAGER, TRAINER, CLIENT, PLATFORM = Role.OWNER, Role.MANAGER, Role.TRAINER, Role.CLIENT, Role.PLATFORM_STAFF
# Ordered role groups (for choices and `role__in` queries) and their sets (for membership tests).
STUDIO_ROLES: tuple[Role, ...] = (OWNER, MANAGER, TRAINER, CLIENT)
STAFF_ROLES: tuple[Role, ...] = (OWNER, MANAGER, TRAINER)
MANAGEMENT_ROLES: tuple[Role, ...] = (OWNER, MANAGER)
MANAGEMENT = frozenset(MANAGEMENT_ROLES)
STAFF = frozenset(STAFF_ROLES)
EVERYONE = frozenset(STUDIO_ROLES)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # --- studio: people and settings ---
    "studio.view": EVERYONE,
    "studio.update_branding": frozenset({OWNER}),
    "studio.manage_billing": frozenset({OWNER}),
    "people.view": STAFF,
    "people.invite_trainer": MANAGEMENT,
    "people.invite_client": MANAGEMENT,
    "people.change_role": frozenset({OWNER}),
    "people.deactivate": MANAGEMENT,
    "audit.view": MANAGEMENT,
    "data.export": frozenset({OWNER}),
    # --- Accounts (web portal): the People page, invitations, client self sign-up ---
    "people.manage": MANAGEMENT,  # the People page: everyone, invitations, re-send and withdraw
    "studio.update_signup_policy": frozenset({OWNER}),  # open or close client self sign-up
    # --- settings, preferences, privacy (issue 18; object scope through the clients selectors) ---
    "studio.update_settings": frozenset({OWNER}),  # name, contact, locale, email signature
    "preferences.update": EVERYONE,  # one's own language, units, display zone, week start
    "privacy.export": EVERYONE,  # a client's own data; staff for the clients they see
    "privacy.erase": frozenset({OWNER}),  # erase a client's personal data (irreversible)
    "privacy.manage_retention": frozenset({OWNER}),
    # --- scheduling (domain/scheduling; object rules: domain/scheduling/access.py) ---
    "scheduling.view": EVERYONE,  # timetable, trainers, appointment types, open slots
    "scheduling.book": EVERYONE,  # book, cancel, register for classes (clients for themselves)
    "scheduling.manage_availability": STAFF,  # own hours; owners and managers anyone's
    "scheduling.manage_appointments": STAFF,  # confirm, move, series, attendance, own types
    "scheduling.manage_classes": STAFF,  # schedule, edit, cancel classes; roster; check-in
    "scheduling.manage_class_types": MANAGEMENT,
    "scheduling.manage_policy": MANAGEMENT,  # late-cancellation window, reminders
    "scheduling.calendar_feed": EVERYONE,
    # --- clients, library, programs (issue 4); object scope (assigned trainer / self) in the selectors ---
    "clients.view": EVERYONE,
    "clients.create": STAFF,
    "clients.update": STAFF,
    "clients.assign_trainers": MANAGEMENT,
    "clients.archive": MANAGEMENT,
    "clients.restore": frozenset({OWNER}),
    "clients.view_private_notes": STAFF,
    "clients.update_profile": EVERYONE,
    "clients.view_health": EVERYONE,
    "clients.update_health": EVERYONE,
    "clients.manage_goals": EVERYONE,
    "clients.manage_contacts": EVERYONE,
    "clients.view_assessments": EVERYONE,
    "clients.record_assessment": STAFF,
    "library.view": EVERYONE,
    "library.manage": STAFF,
    "programs.view_templates": STAFF,
    "programs.manage_templates": STAFF,
    "programs.assign": STAFF,
    "programs.view": EVERYONE,
    "programs.update": STAFF,
    # --- workouts, progress (issue 5); object scope (assigned trainer / self) in the selectors ---
    "workouts.view": EVERYONE,
    "workouts.log": EVERYONE,
    "progress.view": EVERYONE,
    "progress.record": EVERYONE,
    "progress.manage_types": STAFF,
    "progress.view_photos": EVERYONE,
    "progress.upload_photo": EVERYONE,
    "progress.delete_photo": EVERYONE,
    # --- form-check videos (issue 14); object scope (assigned trainer / self) in domain/videos/selectors.py ---
    "videos.view": EVERYONE,
    "videos.upload": EVERYONE,  # clients their own; staff for a client they may see
    "videos.delete": EVERYONE,
    "videos.comment": EVERYONE,
    "videos.review": STAFF,  # the review queue and the status workflow
    "videos.annotate": STAFF,  # drawings and notes on a frame
    # --- nutrition; object scope (assigned trainer / self) through the clients selectors ---
    "nutrition.view": EVERYONE,
    "nutrition.log": EVERYONE,
    "nutrition.calculate": STAFF,
    "nutrition.manage_plans": STAFF,
    "nutrition.manage_foods": STAFF,
    "nutrition.manage_settings": MANAGEMENT,
    # --- studio commerce (issue 13); who buys for whom is checked in billing/payments services ---
    "commerce.view": EVERYONE,  # the shop, one's own wallet; staff also the clients they see
    "commerce.buy": EVERYONE,  # clients for themselves; managers sell on the sales desk
    "commerce.view_all": STAFF,  # payments, invoices and fees of every client they see
    "commerce.record_payment": STAFF,  # cash / bank payments, waive fees, forgive strikes
    "commerce.refund": MANAGEMENT,  # refunds, void invoices, cancel memberships now
    "commerce.manage_catalog": MANAGEMENT,
    "commerce.manage_policy": frozenset({OWNER}),
    # --- analytics (issue 17); trainers see their own figures and clients, in the selectors ---
    "analytics.view": STAFF,  # dashboards (a trainer: their own), the needs-attention inbox
    "analytics.view_studio": MANAGEMENT,  # the studio's business figures, revenue, every trainer
    "analytics.manage_settings": MANAGEMENT,  # at-risk thresholds
    "analytics.rate": frozenset({CLIENT}),  # rate an attended session or class; the monthly NPS question
    # --- messaging, notifications, automations (issue 15); threads are seen by their participants only ---
    "messaging.view": EVERYONE,  # one's own threads
    "messaging.send": EVERYONE,  # staff with the clients they see and staff; clients with their trainers
    "messaging.create_group": STAFF,
    "messaging.manage_templates": MANAGEMENT,
    "messaging.manage_automations": MANAGEMENT,
    "messaging.manage_settings": MANAGEMENT,  # archive period, edit window
    "notifications.view": EVERYONE,  # one's own bell
    "notifications.preferences": EVERYONE,  # one's own channels, consent, quiet hours, devices
    # --- platform console (public schema) ---
    "platform.view_studios": frozenset({PLATFORM}),
    "platform.suspend_studio": frozenset({PLATFORM}),
    "platform.close_studio": frozenset({PLATFORM}),  # close (retention, then erasure) and reopen
    "platform.manage_plans": frozenset({PLATFORM}),  # platform plans and their prices (billing console)
    # --- studio onboarding and platform console ---
    "studio.view_onboarding": MANAGEMENT,
    "platform.admin": frozenset({PLATFORM}),
}


def role_of(user: Any) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` attempt `action` (on `obj`)? Unknown actions are refused (fail closed)."""
    role = role_of(user)
    allowed = PERMISSIONS.get(action)
    if role is None or allowed is None or role not in allowed:
        return False
    if obj is not None and role == CLIENT:
        return owned_by(user, obj)
    return True


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDeniedError(_("You do not have permission to do this."))


def owned_by(user: User, obj: Any) -> bool:
    """A client's own object: the object is them, or names them as its client/user."""
    if isinstance(obj, User):
        return obj.pk == user.pk
    for attribute in ("client_id", "user_id"):
        if getattr(obj, attribute, None) is not None:
            return getattr(obj, attribute) == user.pk
    return False


def is_studio_staff(user: Any) -> bool:
    """Owners, managers and trainers (signed in and active)."""
    return role_of(user) in STAFF


def is_management(user: Any) -> bool:
    """Owners and managers: they act on every client and on everyone's schedule."""
    return role_of(user) in MANAGEMENT


def is_trainer(user: Any) -> bool:
    """A trainer (not an owner or manager): acts on the clients assigned to them."""
    return role_of(user) == TRAINER


def is_client(user: Any) -> bool:
    """A client: acts on themself only."""
    return role_of(user) == CLIENT


def matrix() -> list[tuple[str, list[str]]]:
    """(action, roles) rows for documentation and the permissions page."""
    return [(action, sorted(role.value for role in roles)) for action, roles in sorted(PERMISSIONS.items())]


MATRIX_ROLES = (OWNER, MANAGER, TRAINER, CLIENT, PLATFORM)


def matrix_markdown() -> str:
    """The matrix as the Markdown table docs/access.md carries (a test keeps the two identical)."""
    lines = [
        "| action | " + " | ".join(role.value for role in MATRIX_ROLES) + " |",
        "| --- |" + " --- |" * len(MATRIX_ROLES),
    ]
    for action, allowed in matrix():
        cells = " | ".join("✓" if role.value in allowed else " " for role in MATRIX_ROLES)
        lines.append(f"| `{action}` | {cells} |")
    return "\n".join(lines)
