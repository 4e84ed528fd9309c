"""What clients hold: credit packs, memberships (CLIENT_SUBSCRIPTION), what each booking used, strikes, fees.

`BookingUse` is the entitlement engine's record: one row per live booking that consumed something (a
pack's credit, a membership visit, or a staff override), keyed by the booking, so a booking can never
consume twice and its cancel / no-show path knows what to give back or forfeit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PEOPLE = settings.AUTH_USER_MODEL


class ClientPack(TimeStampedModel):
    """A pack or drop-in a client bought: credits left and when they expire (terms copied at purchase)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        ACTIVE = "active", _("Active")
        VOID = "void", _("Void")

    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="credit_packs")
    package = models.ForeignKey("payments.Package", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey("payments.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    credits_total = models.PositiveIntegerField()
    credits_remaining = models.IntegerField()
    expiry_days = models.PositiveIntegerField(null=True, blank=True)
    expiry_starts = models.CharField(max_length=10)
    activated_at = models.DateTimeField(null=True, blank=True)
    first_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expires_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(credits_remaining__gte=0), name="pack_credits_not_negative"),
            models.CheckConstraint(
                condition=Q(credits_remaining__lte=models.F("credits_total")), name="pack_credits_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} ({self.credits_remaining}/{self.credits_total})"


class ClientSubscription(TimeStampedModel):
    """CLIENT_SUBSCRIPTION: a membership. Periods are [current_period_start, current_period_end)."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Awaiting first payment")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        CANCELLED = "cancelled", _("Cancelled")

    LIVE = (Status.ACTIVE, Status.PAST_DUE)

    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="memberships")
    package = models.ForeignKey("payments.Package", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INCOMPLETE)
    price_amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    next_bill_at = models.DateTimeField(null=True, blank=True)
    commitment_ends_at = models.DateTimeField(null=True, blank=True)
    auto_renew = models.BooleanField(default=True)
    cancel_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    pending_package = models.ForeignKey(
        "payments.Package", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "package"],
                condition=Q(status__in=["incomplete", "active", "past_due"]),
                name="one_live_membership_per_package",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} ({self.status})"


class SubscriptionPause(models.Model):
    """A freeze [starts_at, ends_at): bookings inside it are refused; every date after it moves by its length."""

    subscription = models.ForeignKey(ClientSubscription, on_delete=models.CASCADE, related_name="pauses")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="pause_positive")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} - {self.ends_at:%Y-%m-%d}"


class BookingUse(TimeStampedModel):
    """What one booking consumed; `state` follows the booking (held -> returned / forfeited / used)."""

    class Source(models.TextChoices):
        PACK = "pack", _("Credit pack")
        MEMBERSHIP = "membership", _("Membership")
        OVERRIDE = "override", _("Staff override")

    class State(models.TextChoices):
        HELD = "held", _("Held")
        RETURNED = "returned", _("Returned")
        FORFEITED = "forfeited", _("Forfeited")
        USED = "used", _("Used")

    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="+")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, null=True, blank=True, related_name="booking_use"
    )
    participant = models.OneToOneField(
        "scheduling.SessionParticipant", on_delete=models.CASCADE, null=True, blank=True, related_name="booking_use"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    pack = models.ForeignKey(ClientPack, on_delete=models.PROTECT, null=True, blank=True, related_name="uses")
    subscription = models.ForeignKey(
        ClientSubscription, on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.HELD)
    starts_at = models.DateTimeField()
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=True) ^ Q(participant__isnull=True), name="booking_use_one_booking"
            ),
            models.CheckConstraint(condition=~Q(source="pack") | Q(pack__isnull=False), name="booking_use_pack_named"),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.state})"


class CreditMovement(models.Model):
    """The credit ledger: every change of a pack's balance, signed (+ purchase/return, - booking/forfeit...)."""

    class Reason(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        BOOKING = "booking", _("Booking")
        RETURN = "return", _("Returned on cancel")
        ADJUSTMENT = "adjustment", _("Adjustment by staff")
        VOID = "void", _("Voided")
        REFUND = "refund", _("Taken back on a refund")

    pack = models.ForeignKey(ClientPack, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    use = models.ForeignKey(BookingUse, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    balance_after = models.IntegerField()
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.reason}"


class Strike(models.Model):
    """A late cancel or no-show counted towards a booking block."""

    class Kind(models.TextChoices):
        LATE_CANCEL = "late_cancel", _("Late cancel")
        NO_SHOW = "no_show", _("No-show")

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="strikes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    use = models.ForeignKey(BookingUse, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    appointment = models.ForeignKey("scheduling.Appointment", on_delete=models.SET_NULL, null=True, related_name="+")
    participant = models.ForeignKey(
        "scheduling.SessionParticipant", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    forgiven_at = models.DateTimeField(null=True, blank=True)
    forgiven_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class BookingFee(TimeStampedModel):
    """A late-cancel or no-show fee: pending through the waive window, then charged (invoiced) or waived."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        WAIVED = "waived", _("Waived")
        CHARGED = "charged", _("Charged")

    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="booking_fees")
    kind = models.CharField(max_length=12, choices=Strike.Kind.choices)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    charge_after = models.DateTimeField()
    appointment = models.ForeignKey("scheduling.Appointment", on_delete=models.SET_NULL, null=True, related_name="+")
    participant = models.ForeignKey(
        "scheduling.SessionParticipant", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invoice = models.ForeignKey("payments.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    waived_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    waived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fee_positive")]

    def __str__(self) -> str:
        return self.description


class SavedCard(TimeStampedModel):
    """A card on file (a Stripe payment method on the studio's connected account) used for renewals and fees.

    One row per card and customer: `fingerprint` is Stripe's `card.fingerprint` (the same card number on
    one account), so the same card saved again replaces the older payment method (see saved_card_store).
    """

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="saved_cards")
    stripe_customer_id = models.CharField(max_length=64)
    stripe_payment_method_id = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    stripe_created = models.DateTimeField(null=True, blank=True)  # when Stripe made the payment method
    brand = models.CharField(max_length=20, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    is_default = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id", "fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="one_saved_card_per_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"
