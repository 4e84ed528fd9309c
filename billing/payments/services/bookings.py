"""What scheduling calls, in its own transaction, at each step of a booking's life.

book -> `booking_consume`; cancel -> `booking_cancelled` (inside the window: credit back; late: forfeited,
a strike and the late-cancel fee); no-show -> `booking_no_show` (forfeited, strike, fee); attended ->
`booking_attended`; class or appointment cancelled by the studio -> `booking_cancelled(by_studio=True)`
(credit back, no strike, no fee). A waitlist place holds nothing: `waitlist_check` only asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.errors import EntitlementRequired
from billing.payments.models import BookingFee, BookingUse, Strike
from billing.payments.services.entitlements import (
    Bookable,
    Decision,
    entitlement_consume,
    entitlement_decide,
    entitlement_settle,
    override_granted,
)
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.models import User


@dataclass(frozen=True, kw_only=True)
class BookingRef:
    """One booking as commerce sees it: whose, which row, of what type, when, and its name on an invoice."""

    client: User
    starts_at: datetime
    label: str
    appointment_id: int | None = None
    participant_id: int | None = None
    appointment_type_id: int | None = None
    class_type_id: int | None = None

    @property
    def bookable(self) -> Bookable:
        return Bookable(
            appointment_type_id=self.appointment_type_id, class_type_id=self.class_type_id, starts_at=self.starts_at
        )


def booking_consume(
    *, actor: User, ref: BookingRef, override: bool = False, now: datetime | None = None
) -> BookingUse | None:
    """Consume the booking's entitlement; raises EntitlementRequired (402) unless staff override."""
    return entitlement_consume(
        actor=actor,
        client=ref.client,
        bookable=ref.bookable,
        appointment_id=ref.appointment_id,
        participant_id=ref.participant_id,
        override=override,
        now=now,
    )


def booking_preview(*, client: User, ref: BookingRef, now: datetime | None = None) -> Decision:
    """What the booking would use (for the booking page), without consuming anything."""
    return entitlement_decide(client=client, bookable=ref.bookable, now=now)


def waitlist_check(*, actor: User, ref: BookingRef, override: bool = False, now: datetime | None = None) -> None:
    """Joining a waitlist needs what a seat would (nothing is held until promotion)."""
    decision = entitlement_decide(client=ref.client, bookable=ref.bookable, now=now)
    if not decision.allowed and not override_granted(actor=actor, override=override):
        raise EntitlementRequired(decision.message, code=ErrorCode(decision.code), extra=decision.extra)


def _use(ref: BookingRef) -> BookingUse | None:
    use = selectors.booking_use_for(appointment_id=ref.appointment_id, participant_id=ref.participant_id)
    if use is not None:
        BookingUse.objects.select_for_update().filter(pk=use.pk).first()
        use.refresh_from_db()
    return use


def booking_cancelled(
    *, actor: User | None, ref: BookingRef, late: bool, by_studio: bool = False, now: datetime | None = None
) -> BookingFee | None:
    """A cancelled booking: a credit returns, unless it is the client's late cancel (forfeit, strike, fee)."""
    now = now or timezone.now()
    use = _use(ref)
    if late and not by_studio:
        entitlement_settle(use=use, state=BookingUse.State.FORFEITED, actor=actor, now=now)
        return _penalty(ref, kind=Strike.Kind.LATE_CANCEL, use=use, now=now)
    entitlement_settle(use=use, state=BookingUse.State.RETURNED, actor=actor, now=now)
    return None


def booking_no_show(*, actor: User | None, ref: BookingRef, now: datetime | None = None) -> BookingFee | None:
    now = now or timezone.now()
    use = _use(ref)
    entitlement_settle(use=use, state=BookingUse.State.FORFEITED, actor=actor, now=now)
    return _penalty(ref, kind=Strike.Kind.NO_SHOW, use=use, now=now)


def booking_moved(*, ref: BookingRef) -> int:
    """Staff moved the booking: what it holds now counts at its new time (a membership's visit in the new
    week). Nothing is consumed or refused again. Returns how many rows followed (0 or 1)."""
    use = selectors.booking_use_for(appointment_id=ref.appointment_id, participant_id=ref.participant_id)
    if use is None or use.state != BookingUse.State.HELD:
        return 0
    return BookingUse.objects.filter(pk=use.pk).update(starts_at=ref.starts_at)


def booking_attended(*, actor: User | None, ref: BookingRef, now: datetime | None = None) -> None:
    entitlement_settle(use=_use(ref), state=BookingUse.State.USED, actor=actor, now=now)


def _penalty(ref: BookingRef, *, kind: str, use: BookingUse | None, now: datetime) -> BookingFee | None:
    """A strike always; a fee when the policy sets one (pending through the waive window)."""
    Strike.objects.create(
        client=ref.client,
        kind=kind,
        occurred_at=now,
        use=use,
        appointment_id=ref.appointment_id,
        participant_id=ref.participant_id,
    )
    late_fee, no_show_fee = selectors.fee_amounts(
        appointment_type_id=ref.appointment_type_id, class_type_id=ref.class_type_id
    )
    amount = late_fee if kind == Strike.Kind.LATE_CANCEL else no_show_fee
    if amount <= 0:
        return None
    label = _("Late cancel: %(booking)s") if kind == Strike.Kind.LATE_CANCEL else _("No-show: %(booking)s")
    return BookingFee.objects.create(
        client=ref.client,
        kind=kind,
        amount=amount,
        currency=tenant_connection.tenant.currency,
        description=(label % {"booking": ref.label})[:200],
        charge_after=now + timedelta(hours=selectors.policy_get().fee_waive_hours),
        appointment_id=ref.appointment_id,
        participant_id=ref.participant_id,
    )


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling now would cost: is it late, the fee (minor units), the credit, a strike warning."""

    late: bool
    fee_amount: int
    currency: str
    credit_returned: bool
    strike_warning: bool
    message: str


def cancel_preview(*, ref: BookingRef, late: bool, now: datetime | None = None) -> CancelPreview:
    """Shown to the client before they confirm a cancel."""
    now = now or timezone.now()
    use = selectors.booking_use_for(appointment_id=ref.appointment_id, participant_id=ref.participant_id)
    late_fee, _no_show = selectors.fee_amounts(
        appointment_type_id=ref.appointment_type_id, class_type_id=ref.class_type_id
    )
    currency = tenant_connection.tenant.currency
    strikes = selectors.strike_status(client_id=ref.client.pk, now=now)
    fee = late_fee if late else 0
    holds_credit = use is not None and use.source == BookingUse.Source.PACK and use.state == BookingUse.State.HELD
    from billing.payments.money import format_money

    if not late:
        message = _("You can cancel for free.") + (" " + _("Your credit is returned.") if holds_credit else "")
    else:
        parts = [_("This is a late cancellation.")]
        if holds_credit:
            parts.append(_("The credit is not returned."))
        if fee:
            parts.append(_("A fee of %(fee)s applies.") % {"fee": format_money(fee, currency)})
        if strikes.limit and strikes.strikes + 1 >= strikes.limit:
            parts.append(
                _("This strike will block booking for %(days)d days.")
                % {"days": selectors.policy_get().strike_block_days}
            )
        message = " ".join(parts)
    return CancelPreview(
        late=late,
        fee_amount=fee,
        currency=currency,
        credit_returned=holds_credit and not late,
        strike_warning=late and bool(strikes.limit) and strikes.strikes + 1 >= strikes.limit,
        message=message,
    )


def class_sessions_cancelled(*, session_ids: list[int], actor: User | None, now: datetime | None = None) -> int:
    """The studio cancelled these classes: every seat's credit returns (no strike, no fee). Returns how many."""
    uses = BookingUse.objects.select_for_update(of=("self",)).filter(
        participant__session_id__in=session_ids, state=BookingUse.State.HELD
    )
    settled = 0
    for use in uses.select_related("pack"):
        entitlement_settle(use=use, state=BookingUse.State.RETURNED, actor=actor, now=now)
        settled += 1
    return settled
