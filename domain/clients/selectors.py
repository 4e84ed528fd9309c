"""Reads of client data, always scoped to what the asking person may see.

Owners and managers see every client (archived ones on request); a trainer sees the clients assigned
to them; a client sees only themself. Anything outside that scope is "not found", exactly like an id
from another studio, so nobody learns which ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import Role, User
from core.permissions import STAFF_ROLES, is_management, require, role_of
from domain.clients.models import (
    ClientGoal,
    ClientStatus,
    ClientTrainer,
    EmergencyContact,
    FitnessAssessment,
    HealthHistory,
)


def clients_visible_to(actor: User, *, include_archived: bool = False) -> QuerySet[User]:
    """Every client `actor` may see, annotated with `client_status` (a client without a profile is active)."""
    clients = User.objects.filter(role=Role.CLIENT).annotate(
        client_status=Coalesce("client_profile__status", Value(ClientStatus.ACTIVE.value))
    )
    role = role_of(actor)
    if is_management(actor):
        return clients if include_archived else clients.exclude(client_status=ClientStatus.ARCHIVED)
    if role == Role.TRAINER:
        clients = clients.filter(trainer_links__trainer=actor)
    elif role == Role.CLIENT:
        clients = clients.filter(pk=actor.pk)
    else:
        return clients.none()
    return clients.exclude(client_status=ClientStatus.ARCHIVED)


def _with_trainers(clients: QuerySet[User]) -> QuerySet[User]:
    links = ClientTrainer.objects.select_related("trainer").order_by("-is_primary", "trainer__first_name", "id")
    return clients.select_related("client_profile").prefetch_related(Prefetch("trainer_links", queryset=links))


def client_list(
    *,
    actor: User,
    search: str | None = None,
    status: str | None = None,
    trainer_id: int | None = None,
    tag: str | None = None,
) -> QuerySet[User]:
    """Visible clients with profile and trainers loaded (two queries whatever the page size).

    Raises PermissionDeniedError (403) for a role that may not view clients."""
    require(actor, "clients.view")
    clients = clients_visible_to(actor, include_archived=status == ClientStatus.ARCHIVED)
    if search and search.strip():
        for word in search.split():
            clients = clients.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
    if status:
        clients = clients.filter(client_status=status)  # type: ignore[misc]  # an annotation of clients_visible_to()
    if trainer_id is not None:
        clients = clients.filter(trainer_links__trainer_id=trainer_id)
    if tag:
        clients = clients.filter(client_profile__tags__contains=[tag.strip().lower()])
    return _with_trainers(clients)


def client_get(*, actor: User, client_id: int, include_archived: bool | None = None) -> User:
    """One visible client (archived ones only for owners and managers), or NotFoundError."""
    archived_too = is_management(actor) if include_archived is None else include_archived
    client = _with_trainers(clients_visible_to(actor, include_archived=archived_too)).filter(pk=client_id).first()
    if client is None:
        raise NotFoundError(_("Client not found."))
    return client


def client_in_scope(
    *, actor: User, client_id: int, action: str, include_archived: bool | None = None, loaded: bool = False
) -> User:
    """The client `actor` may do `action` (a core.permissions action) on: the check every service and
    selector of a client's data starts with. One query; `loaded` also loads the profile and the trainers
    (for showing the client).

    Raises PermissionDeniedError (403) when the actor's role may not do `action` at all, NotFoundError (404)
    when the client is outside the actor's scope (another trainer's client, another studio's id, an archived
    one for all but owners and managers unless `include_archived`), PermissionDeniedError when the role may
    act but not on this client.
    """
    require(actor, action)
    if loaded:
        client = client_get(actor=actor, client_id=client_id, include_archived=include_archived)
    else:
        archived_too = is_management(actor) if include_archived is None else include_archived
        found = clients_visible_to(actor, include_archived=archived_too).filter(pk=client_id).first()
        if found is None:
            raise NotFoundError(_("Client not found."))
        client = found
    require(actor, action, client)
    return client


def client_for_actor(*, actor: User, client_id: int) -> User:
    """The active client `actor` may act on (book, register, log for): the one client lookup of every app.

    Owners and managers: any active, unarchived client; a trainer: the clients assigned to them; a client:
    themself. One query, no related rows loaded. Raises: NotFoundError (404, `client_not_found`) for
    anyone else, exactly as for an id of another studio.
    """
    client = clients_visible_to(actor).filter(pk=client_id, is_active=True).first()
    if client is None:
        raise NotFoundError(_("Client not found."), code=ErrorCode.CLIENT_NOT_FOUND)
    return client


def health_history_get(*, client: User) -> HealthHistory:
    """The client's health history, or an empty unsaved one when nothing has been recorded yet."""
    return HealthHistory.objects.filter(client=client).first() or HealthHistory(client=client)


def goal_list(*, client: User, status: str | None = None) -> QuerySet[ClientGoal]:
    goals = ClientGoal.objects.filter(client=client)
    return goals.filter(status=status) if status else goals


def emergency_contact_list(*, client: User) -> QuerySet[EmergencyContact]:
    return EmergencyContact.objects.filter(client=client)


def assessment_list(*, client: User) -> QuerySet[FitnessAssessment]:
    return (
        FitnessAssessment.objects.filter(client=client).select_related("assessed_by").prefetch_related("measurements")
    )


def trainers_available() -> QuerySet[User]:
    """Staff a client can be assigned to (owners and managers often coach too)."""
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("first_name", "last_name", "id")


@dataclass(frozen=True)
class HealthEntry:
    """A line of the health history that exercises may be contraindicated for."""

    text: str
    source: str  # "condition" or "injury"


def client_health_entries(*, client_id: int) -> list[HealthEntry]:
    """Conditions and active injuries, the entries contraindication checks compare against."""
    history = HealthHistory.objects.filter(client_id=client_id).first()
    if history is None:
        return []
    entries = [HealthEntry(text=str(condition), source="condition") for condition in history.conditions or []]
    entries += [
        HealthEntry(text=str(injury.get("name", "")), source="injury")
        for injury in history.injuries or []
        if injury.get("active", True)
    ]
    return [entry for entry in entries if entry.text.strip()]


# --- for reports (analytics): whole-studio reads, no actor (callers are tasks or scoped selectors) -------


def client_ids_current(*, joined_before: datetime | None = None) -> list[int]:
    """Ids of the studio's active, unarchived clients (the people a day of engagement is computed for),
    only those who had joined before `joined_before` when it is given."""
    clients = User.objects.filter(role=Role.CLIENT, is_active=True).exclude(
        client_profile__status=ClientStatus.ARCHIVED
    )
    if joined_before is not None:
        clients = clients.filter(date_joined__lt=joined_before)
    return list(clients.order_by("pk").values_list("pk", flat=True))


def trainer_links_all() -> dict[int, list[int]]:
    """client id -> ids of their trainers, primary first."""
    links: dict[int, list[int]] = {}
    for client_id, trainer_id in ClientTrainer.objects.order_by("-is_primary", "id").values_list(
        "client_id", "trainer_id"
    ):
        links.setdefault(client_id, []).append(trainer_id)
    return links


def clearances_expiring(*, clients: QuerySet[User], until: date) -> QuerySet[HealthHistory]:
    """Health histories of `clients` whose medical clearance runs out on or before `until` (expired too)."""
    return (
        HealthHistory.objects.filter(client__in=clients, medical_clearance_expires_on__lte=until)
        .select_related("client")
        .order_by("medical_clearance_expires_on", "pk")
    )
