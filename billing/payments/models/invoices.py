"""INVOICE and PAYMENT: every charge is an invoice first; a payment row exists before the money moves.

Numbers are taken only at finalisation, from a one-row counter locked for the transaction, so they are
gapless per studio (a draft that is never finalised takes no number; a voided invoice keeps its number).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

PEOPLE = settings.AUTH_USER_MODEL


class InvoiceCounter(models.Model):
    """The studio's next invoice number (one row, key 1), read and bumped under a row lock."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(key=1), name="invoice_counter_singleton")]

    def __str__(self) -> str:
        return str(self.next_number)


class Invoice(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")
        UNCOLLECTIBLE = "uncollectible", _("Uncollectible")

    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="invoices")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(max_length=30, null=True, blank=True, unique=True)
    sequence = models.PositiveIntegerField(null=True, blank=True, unique=True)
    currency = models.CharField(max_length=3)
    subtotal_amount = models.IntegerField(default=0)  # net of tax
    tax_amount = models.IntegerField(default=0)
    total_amount = models.IntegerField(default=0)
    amount_paid = models.IntegerField(default=0)
    amount_refunded = models.IntegerField(default=0)
    # The seller and buyer as they were at finalisation (an invoice never changes afterwards).
    seller = models.JSONField(default=dict, blank=True)
    buyer = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    subscription = models.ForeignKey(
        "payments.ClientSubscription", on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False), name="invoice_numbered_when_final"
            ),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="invoice_paid_not_negative"),
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=Q(subscription__isnull=False) & ~Q(status="void"),
                name="one_invoice_per_membership_period",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice %(id)s") % {"id": self.pk})

    @property
    def amount_due(self) -> int:
        return max(self.total_amount - self.amount_paid, 0)


class InvoiceLine(models.Model):
    """One line: quantity x unit amount, with its tax (inclusive or exclusive) worked out to the minor unit."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_amount = models.IntegerField()
    tax_rate_bp = models.PositiveIntegerField(default=0)
    tax_inclusive = models.BooleanField(default=True)
    net_amount = models.IntegerField()
    tax_amount = models.IntegerField()
    total_amount = models.IntegerField()
    package = models.ForeignKey("payments.Package", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.description


class Payment(TimeStampedModel):
    """PAYMENT: money towards an invoice. Card payments exist (pending) before Stripe is asked to charge."""

    class Method(models.TextChoices):
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    MANUAL = (Method.CASH, Method.BANK_TRANSFER, Method.OTHER)

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    client = models.ForeignKey(PEOPLE, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=14, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_refunded = models.PositiveIntegerField(default=0)
    reference = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=500, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount")), name="payment_refund_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} {self.currency}"


class Refund(models.Model):
    """Money given back on a payment: recorded by a manager (a card refund is then sent to Stripe), made
    in the Stripe dashboard and recorded from its events, or a chargeback lost (`dispute`: the bank took the
    money back; one row per dispute). A refund Stripe fails or cancels no longer counts."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUCCEEDED)
    reason = models.CharField(max_length=500, blank=True)
    stripe_refund_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    dispute = models.OneToOneField(
        "payments.PaymentDispute", on_delete=models.PROTECT, null=True, blank=True, related_name="refund"
    )
    created_by = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.payment_id})"


class PaymentDispute(TimeStampedModel):
    """A chargeback Stripe told us about (`charge.dispute.*`): recorded for staff, its status kept current."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(max_length=120, unique=True)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=40)  # Stripe's: needs_response, under_review, won, lost, ...
    evidence_due_by = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.stripe_dispute_id} ({self.status})"


class InvoiceReminder(models.Model):
    """One overdue reminder of an invoice: the n-th is sent once (unique), after the commit that records it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    number = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["invoice", "number"]
        constraints = [models.UniqueConstraint(fields=["invoice", "number"], name="one_reminder_per_number")]

    def __str__(self) -> str:
        return f"{self.invoice_id} #{self.number}"
