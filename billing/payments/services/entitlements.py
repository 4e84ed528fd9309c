"""The one entitlement engine: may this client book this, and what does it consume?

Booking services call `entitlement_consume` inside their own transaction, after locking the class or
the trainer; the engine then locks the client's row (FOR NO KEY UPDATE), so every decision about one
client's wallet is serialised: 20 parallel bookings against 3 credits make exactly 3 bookings. The
pack's `credits_remaining >= 0` check constraint backs this up in the database.

Order of decision: a strike block refuses; a booking nobody sells a pass for is free; then a live
membership that covers it (not paused then, within its weekly visits, not past due beyond the grace
days); then the covering pack that expires first. Staff may override a refusal; that is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.errors import EntitlementRequired
from billing.payments.models import BookingUse, ClientPack, ClientSubscription, CreditMovement, ExpiryStart
from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.models import User
from core.permissions import is_studio_staff


@dataclass(frozen=True, kw_only=True)
class Bookable:
    """What is being booked: a 1:1 appointment type or a class type, and when it starts."""

    appointment_type_id: int | None = None
    class_type_id: int | None = None
    starts_at: datetime


@dataclass(frozen=True)
class Decision:
    """The engine's answer. `source` is "free", "membership", "pack" or "" (refused: see code/message)."""

    source: str
    pack: ClientPack | None = None
    subscription: ClientSubscription | None = None
    code: str = ""
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return bool(self.source)

    def describe(self) -> str:
        """What the booking will use, in words for the booking page."""
        if self.source == "free":
            return _("No pass needed.")
        if self.source == "membership" and self.subscription is not None:
            return _("Uses your membership “%(name)s”.") % {"name": self.subscription.package.name}
        if self.source == "pack" and self.pack is not None:
            return _("Uses 1 credit of “%(name)s” (%(left)d left).") % {
                "name": self.pack.package.name,
                "left": self.pack.credits_remaining,
            }
        return self.message


def _zone() -> str:
    return getattr(getattr(connection, "tenant", None), "timezone", None) or "UTC"


def _link(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment, timezone=ZoneInfo(_zone())), "DATETIME_FORMAT")


def _paused_at(subscription: ClientSubscription, moment: datetime) -> bool:
    return any(p.starts_at <= moment < p.ends_at for p in subscription.pauses.all())


def _membership_decision(client_id: int, bookable: Bookable, now: datetime) -> tuple[Decision | None, Decision | None]:
    """(a membership that pays, or None; the most telling refusal among covering memberships, or None)."""
    refusal: Decision | None = None
    grace = timedelta(days=selectors.policy_get().past_due_grace_days)
    for membership in selectors.live_memberships(client_id=client_id):
        covers = selectors.package_covers(
            membership.package,
            appointment_type_id=bookable.appointment_type_id,
            class_type_id=bookable.class_type_id,
        )
        if not covers or (membership.cancel_at is not None and bookable.starts_at >= membership.cancel_at):
            continue
        overdue_since = membership.past_due_since or now  # set with the past-due status; never None there
        if membership.status == ClientSubscription.Status.PAST_DUE and now >= overdue_since + grace:
            refusal = Decision(
                "",
                code=ErrorCode.MEMBERSHIP_PAST_DUE,
                message=_("Your membership payment is overdue, so booking is paused. Pay the open invoice to book."),
                extra={"pay_url": _link("portal:wallet")},
            )
            continue
        if _paused_at(membership, bookable.starts_at):
            refusal = refusal or Decision(
                "", code=ErrorCode.MEMBERSHIP_PAUSED, message=_("Your membership is frozen on that date.")
            )
            continue
        limit = membership.package.visits_per_week
        if limit is not None:
            used = selectors.membership_visits_in_week(
                subscription_id=membership.pk, starts_at=bookable.starts_at, zone=_zone()
            )
            if used >= limit:
                refusal = refusal or Decision(
                    "",
                    code=ErrorCode.WEEKLY_LIMIT_REACHED,
                    message=_("Your membership covers %(n)d visits a week; that week is full.") % {"n": limit},
                )
                continue
        return Decision("membership", subscription=membership), refusal
    return None, refusal


def entitlement_decide(*, client: User, bookable: Bookable, now: datetime | None = None) -> Decision:
    """Read-only: what a booking of `bookable` by `client` would use, or why it would be refused."""
    return _decide(client=client, bookable=bookable, now=now or timezone.now(), lock=False)


def _decide(*, client: User, bookable: Bookable, now: datetime, lock: bool) -> Decision:
    """`entitlement_decide`; with `lock`, the client's row is locked once a pass is needed, before the
    client's memberships and packs are read (a free booking consumes nothing, so it takes no lock)."""
    blocked_until = selectors.booking_blocked_until(client_id=client.pk, now=now)
    if blocked_until is not None:
        return Decision(
            "",
            code=ErrorCode.BOOKING_BLOCKED,
            message=_("Too many late cancellations or no-shows: booking is blocked until %(when)s.")
            % {"when": _local(blocked_until)},
            extra={"blocked_until": blocked_until.isoformat()},
        )
    if not selectors.requires_entitlement(
        appointment_type_id=bookable.appointment_type_id, class_type_id=bookable.class_type_id
    ):
        return Decision("free")
    if lock:
        _lock_client(client)
    membership, refusal = _membership_decision(client.pk, bookable, now)
    if membership is not None:
        return membership
    for pack in selectors.live_packs(client_id=client.pk, now=now):
        if pack.expires_at is not None and pack.expires_at <= bookable.starts_at:
            continue
        if selectors.package_covers(
            pack.package, appointment_type_id=bookable.appointment_type_id, class_type_id=bookable.class_type_id
        ):
            return Decision("pack", pack=pack)
    return refusal or Decision(
        "",
        code=ErrorCode.NO_ENTITLEMENT,
        message=_("You need a pass for this booking: buy a pack or a membership first."),
        extra={"shop_url": _link("portal:shop")},
    )


def _lock_client(client: User) -> None:
    User.objects.select_for_update(no_key=True).filter(pk=client.pk).values_list("pk", flat=True).first()


def override_granted(*, actor: User, override: bool) -> bool:
    """Whether a booking's `override` counts: only staff's (owners, managers, trainers; the booking service
    has already found the client within the actor's reach, so a trainer only for their clients). A
    client's override is never granted: the engine decides their booking as any other. Every booking path
    (a single booking, a class seat or waitlist place, a series' occurrences) asks here."""
    return override and is_studio_staff(actor)


def entitlement_consume(
    *,
    actor: User,
    client: User,
    bookable: Bookable,
    appointment_id: int | None = None,
    participant_id: int | None = None,
    override: bool = False,
    now: datetime | None = None,
) -> BookingUse | None:
    """Consume what the booking uses, in the caller's transaction; None when the booking is free.

    Raises EntitlementRequired (402) when refused, unless staff `override` (audited, consumes nothing).
    """
    now = now or timezone.now()
    decision = _decide(client=client, bookable=bookable, now=now, lock=True)
    booking = {"appointment_id": appointment_id, "participant_id": participant_id}
    if not decision.allowed:
        if override_granted(actor=actor, override=override):
            use = BookingUse.objects.create(
                client=client,
                source=BookingUse.Source.OVERRIDE,
                starts_at=bookable.starts_at,
                created_by=actor,
                **booking,
            )
            audit_record(actor=actor, action=AuditAction.ENTITLEMENT_OVERRIDE, target=use, refused=decision.code)
            return use
        raise EntitlementRequired(decision.message, code=ErrorCode(decision.code), extra=decision.extra)
    if decision.source == "free":
        return None
    if decision.source == "membership":
        return BookingUse.objects.create(
            client=client,
            source=BookingUse.Source.MEMBERSHIP,
            subscription=decision.subscription,
            starts_at=bookable.starts_at,
            created_by=actor,
            **booking,
        )
    pack = decision.pack
    if pack is None:  # "pack" decisions always name one
        raise EntitlementRequired(decision.message, code=ErrorCode.NO_ENTITLEMENT)
    taken = ClientPack.objects.filter(pk=pack.pk, credits_remaining__gt=0).update(
        credits_remaining=F("credits_remaining") - 1
    )
    if not taken:  # cannot happen under the client lock; the check constraint is the last word anyway
        raise EntitlementRequired(_("That pack has no credits left."), code=ErrorCode.NO_ENTITLEMENT)
    if pack.first_used_at is None:
        first_use = {"first_used_at": now}
        if pack.expiry_starts == ExpiryStart.FIRST_USE and pack.expiry_days:
            first_use["expires_at"] = now + timedelta(days=pack.expiry_days)
        ClientPack.objects.filter(pk=pack.pk).update(**first_use)
    use = BookingUse.objects.create(
        client=client,
        source=BookingUse.Source.PACK,
        pack=pack,
        starts_at=bookable.starts_at,
        created_by=actor,
        **booking,
    )
    _ledger(pack, -1, CreditMovement.Reason.BOOKING, use=use, actor=actor, now=now)
    return use


def _ledger(
    pack: ClientPack, delta: int, reason: str, *, use: BookingUse | None, actor: User | None, now: datetime
) -> None:
    balance = ClientPack.objects.values_list("credits_remaining", flat=True).get(pk=pack.pk)
    CreditMovement.objects.create(
        pack=pack, delta=delta, reason=reason, use=use, balance_after=balance, created_by=actor, created_at=now
    )


def entitlement_settle(
    *,
    use: BookingUse | None,
    state: str,
    actor: User | None,
    now: datetime | None = None,
) -> None:
    """Close what a booking held: RETURNED gives a pack's credit back; FORFEITED and USED keep it spent."""
    if use is None or use.state != BookingUse.State.HELD:
        return
    now = now or timezone.now()
    use.state = state
    use.save(update_fields=["state", "updated_at"])
    if state == BookingUse.State.RETURNED and use.source == BookingUse.Source.PACK and use.pack is not None:
        ClientPack.objects.filter(pk=use.pack.pk).update(credits_remaining=F("credits_remaining") + 1)
        _ledger(use.pack, +1, CreditMovement.Reason.RETURN, use=use, actor=actor, now=now)
