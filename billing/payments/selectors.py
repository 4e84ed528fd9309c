"""Reads of studio commerce: the catalog, a client's wallet, strike status, invoices and payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments.models import (
    BookingFee,
    BookingFeeRule,
    BookingUse,
    ClientPack,
    ClientSubscription,
    CommercePolicy,
    CreditMovement,
    Invoice,
    Package,
    PackageKind,
    Payment,
    SavedCard,
    Strike,
)
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.memo import RowMemo, schema_key
from core.models import User
from core.permissions import is_client, is_management, require

_policy: RowMemo[CommercePolicy] = RowMemo(
    CommercePolicy, ttl=lambda: settings.POLICY_CACHE_SECONDS, forget_on_save=True
)


def policy_get() -> CommercePolicy:
    """The studio's commerce policy (created with defaults on first read; a new instance per call).

    Read at most once per POLICY_CACHE_SECONDS per process (core.memo.RowMemo)."""
    # A row made here is not remembered (its transaction may yet roll back); the next read remembers it.
    found = _policy.get(schema_key(), lambda: CommercePolicy.objects.filter(key=1).values_list(*_policy.fields).first())
    return found or CommercePolicy.objects.get_or_create(key=1)[0]


def package_list(*, on_sale_only: bool = True) -> QuerySet[Package]:
    queryset = Package.objects.prefetch_related("appointment_types", "class_types")
    return queryset.filter(is_active=True) if on_sale_only else queryset


def package_get(*, package_id: int) -> Package:
    package = Package.objects.prefetch_related("appointment_types", "class_types").filter(pk=package_id).first()
    if package is None:
        raise NotFoundError(_("No such package."), code=ErrorCode.PACKAGE_NOT_FOUND)
    return package


def package_covers(package: Package, *, appointment_type_id: int | None, class_type_id: int | None) -> bool:
    """Does this package pay for a booking of this appointment type / class type? (uses prefetched types)"""
    if appointment_type_id is not None:
        ids = {t.pk for t in package.appointment_types.all()}
        return package.covers_appointments and (not ids or appointment_type_id in ids)
    if class_type_id is not None:
        ids = {t.pk for t in package.class_types.all()}
        return package.covers_classes and (not ids or class_type_id in ids)
    return False


def requires_entitlement(*, appointment_type_id: int | None, class_type_id: int | None) -> bool:
    """A booking needs a pass when the studio sells (or sold) one that covers it; otherwise it is free."""
    sellers = package_list(on_sale_only=False).filter(
        kind__in=[PackageKind.PACK, PackageKind.DROP_IN, PackageKind.MEMBERSHIP]
    )
    return any(package_covers(p, appointment_type_id=appointment_type_id, class_type_id=class_type_id) for p in sellers)


def live_packs(*, client_id: int, now: datetime) -> QuerySet[ClientPack]:
    return (
        ClientPack.objects.select_related("package")
        .prefetch_related("package__appointment_types", "package__class_types")
        .filter(client_id=client_id, status=ClientPack.Status.ACTIVE, credits_remaining__gt=0)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("expires_at", "id")
    )


def live_memberships(*, client_id: int) -> QuerySet[ClientSubscription]:
    return (
        ClientSubscription.objects.select_related("package")
        .prefetch_related("package__appointment_types", "package__class_types", "pauses")
        .filter(client_id=client_id, status__in=ClientSubscription.LIVE)
        .order_by("id")
    )


def week_bounds(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    """The Monday-to-Monday week (studio time) that `moment` falls in, as aware datetimes."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(zone))
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + timedelta(days=7)


def membership_visits_in_week(*, subscription_id: int, starts_at: datetime, zone: str) -> int:
    start, end = week_bounds(starts_at, zone)
    return BookingUse.objects.filter(
        subscription_id=subscription_id,
        starts_at__gte=start,
        starts_at__lt=end,
        state__in=[BookingUse.State.HELD, BookingUse.State.USED, BookingUse.State.FORFEITED],
    ).count()


@dataclass(frozen=True)
class StrikeStatus:
    """Strikes counted now, the limit, when a block ends (None: not blocked), and whether to warn."""

    strikes: int
    limit: int
    window_days: int
    blocked_until: datetime | None
    warn: bool


def booking_blocked_until(*, client_id: int, now: datetime) -> datetime | None:
    """When the client's strike block ends (None: not blocked). A studio that blocks nobody (strike limit
    0, the default) reads no strikes: this is on the path of every booking."""
    policy = policy_get()
    if not policy.strike_limit:
        return None
    return strike_status(client_id=client_id, now=now, policy=policy).blocked_until


def strike_status(*, client_id: int, now: datetime | None = None, policy: CommercePolicy | None = None) -> StrikeStatus:
    """N unforgiven strikes within D days block booking for B days from the strike that made N.

    The block is computed, never stored, so forgiving a strike lifts a block it caused. `policy`: the
    studio's commerce policy when the caller has read it already.
    """
    now = now or timezone.now()
    policy = policy or policy_get()
    window = timedelta(days=policy.strike_window_days)
    block = timedelta(days=policy.strike_block_days)
    horizon = now - window - block
    times = sorted(
        Strike.objects.filter(client_id=client_id, forgiven_at__isnull=True, occurred_at__gt=horizon).values_list(
            "occurred_at", flat=True
        )
    )
    blocked_until = None
    if policy.strike_limit:
        for index, moment in enumerate(times):
            counted = sum(1 for t in times[: index + 1] if t > moment - window)
            if counted >= policy.strike_limit and moment + block > now:
                blocked_until = max(blocked_until or moment, moment + block)
    current = sum(1 for t in times if t > now - window)
    warn = bool(policy.strike_limit) and blocked_until is None and current == policy.strike_limit - 1
    return StrikeStatus(
        strikes=current,
        limit=policy.strike_limit,
        window_days=policy.strike_window_days,
        blocked_until=blocked_until,
        warn=warn,
    )


def fee_amounts(*, appointment_type_id: int | None, class_type_id: int | None) -> tuple[int, int]:
    """(late-cancel fee, no-show fee) in minor units: the type's own rule, else the studio's."""
    rule = BookingFeeRule.objects.filter(
        Q(appointment_type_id=appointment_type_id) if appointment_type_id else Q(class_type_id=class_type_id)
    ).first()
    if rule is not None:
        return rule.late_cancel_fee_amount, rule.no_show_fee_amount
    policy = policy_get()
    return policy.late_cancel_fee_amount, policy.no_show_fee_amount


def booking_use_for(*, appointment_id: int | None = None, participant_id: int | None = None) -> BookingUse | None:
    if appointment_id is not None:
        return BookingUse.objects.select_related("pack", "subscription").filter(appointment_id=appointment_id).first()
    return BookingUse.objects.select_related("pack", "subscription").filter(participant_id=participant_id).first()


def credit_ledger(*, client: User) -> QuerySet[CreditMovement]:
    return CreditMovement.objects.select_related("pack__package").filter(pack__client=client)


def client_packs(*, client: User) -> QuerySet[ClientPack]:
    return ClientPack.objects.select_related("package").filter(client=client).order_by("-created_at", "-id")


def client_memberships(*, client: User) -> QuerySet[ClientSubscription]:
    return (
        ClientSubscription.objects.select_related("package", "pending_package")
        .prefetch_related("pauses")
        .filter(client=client)
        .order_by("-created_at", "-id")
    )


def client_has_card(*, client_id: int) -> bool:
    return SavedCard.objects.filter(client_id=client_id).exists()


def seen_by(rows: QuerySet, viewer: User | None) -> QuerySet:
    """`rows` (with a `client`) of the clients `viewer` may see: every client's for owners and managers (and for
    no viewer: the studio's own jobs), a trainer's own clients', a client's own. Archived clients count."""
    if viewer is None or is_management(viewer):
        return rows
    from domain.clients.selectors import clients_visible_to  # on use, as billing's services import domain

    return rows.filter(client__in=clients_visible_to(viewer, include_archived=True))


def invoice_list(
    *, client: User | None = None, status: str | None = None, viewer: User | None = None
) -> QuerySet[Invoice]:
    """Issued invoices, of `client` or every client `viewer` may see (`seen_by`)."""
    queryset = seen_by(Invoice.objects.select_related("client").exclude(status=Invoice.Status.DRAFT), viewer)
    if client is not None:
        queryset = queryset.filter(client=client)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def invoice_seen(*, viewer: User, invoice_id: int) -> Invoice:
    """An issued invoice, with its lines, of a client `viewer` may see (`seen_by`). Raises PermissionDeniedError
    (403) for a role that may not view commerce (staff need `commerce.view_all`), NotFoundError
    (invoice_not_found) alike for a draft, another trainer's client's invoice and an unknown id."""
    require(viewer, "commerce.view" if is_client(viewer) else "commerce.view_all")
    issued = Invoice.objects.select_related("client").prefetch_related("lines").exclude(status=Invoice.Status.DRAFT)
    invoice = seen_by(issued, viewer).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFoundError(_("No such invoice."), code=ErrorCode.INVOICE_NOT_FOUND)
    return invoice


def membership_seen(*, viewer: User, membership_id: int) -> ClientSubscription:
    """A membership of a client `viewer` may see (`seen_by`). Raises PermissionDeniedError (403) for a role
    that may not view commerce, NotFoundError (membership_not_found) alike for another trainer's client's
    membership and an unknown id."""
    require(viewer, "commerce.view")
    membership = seen_by(ClientSubscription.objects.select_related("client"), viewer).filter(pk=membership_id).first()
    if membership is None:
        raise NotFoundError(_("No such membership."), code=ErrorCode.MEMBERSHIP_NOT_FOUND)
    return membership


def invoice_get(*, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_related("client").prefetch_related("lines").filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFoundError(_("No such invoice."), code=ErrorCode.INVOICE_NOT_FOUND)
    return invoice


def overdue_invoices(*, now: datetime | None = None, viewer: User | None = None) -> QuerySet[Invoice]:
    return (
        invoice_list(status=Invoice.Status.OPEN, viewer=viewer)
        .filter(due_at__lt=now or timezone.now())
        .order_by("due_at", "id")
    )


def payment_list(*, client: User | None = None, viewer: User | None = None) -> QuerySet[Payment]:
    """Payments, newest first, with their invoice, client and disputes (chargebacks) loaded; of `client` or
    every client `viewer` may see (`seen_by`)."""
    queryset = seen_by(Payment.objects.select_related("invoice", "client").prefetch_related("disputes"), viewer)
    return queryset.filter(client=client) if client is not None else queryset


def fee_list(
    *, client: User | None = None, status: str | None = None, viewer: User | None = None
) -> QuerySet[BookingFee]:
    """Late-cancel and no-show fees, of `client` or every client `viewer` may see (`seen_by`)."""
    queryset = seen_by(BookingFee.objects.select_related("client", "invoice"), viewer)
    if client is not None:
        queryset = queryset.filter(client=client)
    return queryset.filter(status=status) if status else queryset


def money_recorded() -> bool:
    """Has the studio priced or charged anything (a package, an invoice, a payment)? Its currency is then fixed:
    amounts are stored as minor units of that currency, and changing it would re-read every one of them."""
    return Package.objects.exists() or Invoice.objects.exists() or Payment.objects.exists()
