"""Platform billing records, all in the public schema.

Money is an integer of minor units plus an ISO currency. Stripe is the source of truth for subscriptions
and invoices; these rows mirror what webhooks and re-reads told us, so pages and limits need no Stripe call.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Studio


class Plan(models.Model):
    """What a studio buys from the platform: a client limit, the platform's cut of studio sales, a trial."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    client_limit = models.PositiveIntegerField(
        _("active client limit"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    # Basis points: 250 is 2.50 % of every studio sale, taken as the Connect application fee.
    platform_fee_bps = models.PositiveIntegerField(_("platform fee (basis points)"), default=0)
    trial_days = models.PositiveIntegerField(_("trial days"), default=14)
    rank = models.PositiveIntegerField(_("rank"), default=0, help_text=_("Higher is a bigger plan."))
    active = models.BooleanField(_("offered to new studios"), default=True)
    stripe_product_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(platform_fee_bps__lte=10000), name="plan_fee_at_most_100pct"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanPrice(models.Model):
    """One price of a plan. Never edited: a new price replaces it for new studios, old subscribers keep theirs."""

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Annual")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="prices")
    interval = models.CharField(_("interval"), max_length=5, choices=Interval.choices)
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    active = models.BooleanField(_("offered to new studios"), default=True)
    stripe_price_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["plan__rank", "interval", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "interval", "currency"], condition=Q(active=True), name="plan_one_active_price"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="plan_price_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} {self.amount} {self.currency}/{self.interval}"

    @property
    def monthly_amount(self) -> int:
        """The price as monthly recurring revenue, minor units (an annual price / 12, rounded half up)."""
        return self.amount if self.interval == self.Interval.MONTH else (self.amount + 6) // 12


class StudioSubscription(models.Model):
    """A studio's subscription to a plan on the platform account, mirrored from Stripe."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        UNPAID = "unpaid", _("Unpaid")
        INCOMPLETE = "incomplete", _("Incomplete")
        CANCELED = "canceled", _("Cancelled")

    studio = models.OneToOneField(Studio, on_delete=models.CASCADE, related_name="subscription")
    price = models.ForeignKey(PlanPrice, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRIALING)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    stripe_schedule_id = models.CharField(max_length=255, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # A downgrade waits for the period end: the price the next period starts on.
    scheduled_price = models.ForeignKey(
        PlanPrice, on_delete=models.PROTECT, null=True, blank=True, related_name="scheduled_subscriptions"
    )
    past_due_since = models.DateTimeField(null=True, blank=True)
    suspended_for_nonpayment = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_subscription_id"], condition=~Q(stripe_subscription_id=""), name="sub_stripe_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}: {self.price_id} ({self.status})"

    @property
    def plan(self) -> Plan:
        return self.price.plan


class PlatformInvoice(models.Model):
    """An invoice of the platform to a studio, mirrored from Stripe (for the owner's list and the console)."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="platform_invoices")
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=20)  # draft, open, paid, uncollectible, void
    # Stripe's status words, as pages show them (`|label_in:invoice_statuses`); kept free-form as Stripe sends.
    STATUS_LABELS = (
        ("draft", _("Draft")),
        ("open", _("Open")),
        ("paid", _("Paid")),
        ("uncollectible", _("Uncollectible")),
        ("void", _("Void")),
    )
    amount_due = models.IntegerField()
    amount_paid = models.IntegerField(default=0)
    currency = models.CharField(max_length=3)
    attempt_count = models.PositiveIntegerField(default=0)
    billing_reason = models.CharField(max_length=40, blank=True)
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()
    payment_failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.stripe_invoice_id


class DunningReminder(models.Model):
    """One reminder per invoice and payment attempt: the unique pair is what makes it once only."""

    invoice = models.ForeignKey(PlatformInvoice, on_delete=models.CASCADE, related_name="reminders")
    attempt = models.PositiveIntegerField()
    sent_to = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invoice", "attempt"], name="dunning_once_per_attempt")]

    def __str__(self) -> str:
        return f"{self.invoice_id} attempt {self.attempt}"


class ConnectedAccount(models.Model):
    """The account <-> studio map for Stripe Connect, and the account's state as account.updated tells it."""

    studio = models.OneToOneField(Studio, on_delete=models.CASCADE, related_name="connected_account")
    stripe_account_id = models.CharField(max_length=255, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.stripe_account_id

    @property
    def ready(self) -> bool:
        """Can take payments and be paid out: the onboarding checklist's "payments" step."""
        return self.charges_enabled and self.payouts_enabled


class StripeEvent(models.Model):
    """Every verified webhook event, stored before it is handled; the event id makes replays no-ops."""

    class Endpoint(models.TextChoices):
        PLATFORM = "platform", _("Platform")
        CONNECT = "connect", _("Connect")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (no handler)")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(max_length=255, primary_key=True)
    endpoint = models.CharField(max_length=10, choices=Endpoint.choices)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=255, blank=True)
    studio = models.ForeignKey(Studio, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    livemode = models.BooleanField(default=False)
    api_version = models.CharField(max_length=40, blank=True)
    created = models.DateTimeField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["status", "created"], name="stripe_event_status_idx"),
            models.Index(fields=["type", "created"], name="stripe_event_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
