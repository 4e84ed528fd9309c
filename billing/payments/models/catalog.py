"""What a studio sells (PACKAGE) and the rules its sales follow (CommercePolicy, BookingFeeRule).

A live package's price and terms are never edited in place: it is closed to new buyers and a new one is
created (`replaces` keeps the lineage); buyers keep what they bought, which copies the terms it needs.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class PackageKind(models.TextChoices):
    PACK = "pack", _("Session pack")
    MEMBERSHIP = "membership", _("Membership")
    DROP_IN = "drop_in", _("Drop-in")
    PROGRAM = "program", _("Program")


class BillingPeriod(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Annual")


class ExpiryStart(models.TextChoices):
    PURCHASE = "purchase", _("After purchase")
    FIRST_USE = "first_use", _("After first use")


class Package(TimeStampedModel):
    """PACKAGE: a session pack, a membership, a drop-in or a program, at a price in minor units.

    Scope: `covers_appointments` / `covers_classes` say which kinds of booking it pays for; the type
    lists narrow that down (an empty list is every type of that kind).
    """

    kind = models.CharField(_("kind"), max_length=12, choices=PackageKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    price_amount = models.PositiveIntegerField(_("price (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    tax_rate_bp = models.PositiveIntegerField(_("tax rate (basis points)"), default=0)
    tax_inclusive = models.BooleanField(_("price includes tax"), default=True)
    # Packs and drop-ins
    credits = models.PositiveIntegerField(_("credits"), null=True, blank=True)
    expiry_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    expiry_starts = models.CharField(
        _("validity starts"), max_length=10, choices=ExpiryStart.choices, default=ExpiryStart.PURCHASE
    )
    # Memberships
    billing_period = models.CharField(_("billing period"), max_length=6, choices=BillingPeriod.choices, blank=True)
    visits_per_week = models.PositiveIntegerField(_("visits per week (empty: unlimited)"), null=True, blank=True)
    minimum_term_periods = models.PositiveIntegerField(_("minimum term (periods)"), default=0)
    signup_fee_amount = models.PositiveIntegerField(_("sign-up fee (minor units)"), default=0)
    # Scope (packs, drop-ins, memberships)
    covers_appointments = models.BooleanField(_("pays for 1:1 sessions"), default=True)
    covers_classes = models.BooleanField(_("pays for classes"), default=True)
    appointment_types = models.ManyToManyField("scheduling.AppointmentType", blank=True, related_name="+")
    class_types = models.ManyToManyField("scheduling.ClassType", blank=True, related_name="+")
    # Programs
    program_template = models.ForeignKey(
        "programs.ProgramTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="package_currency_iso"),
            models.CheckConstraint(condition=Q(tax_rate_bp__lte=10000), name="package_tax_rate_max"),
            models.CheckConstraint(
                condition=~Q(kind__in=["pack", "drop_in"]) | Q(credits__gte=1), name="package_pack_has_credits"
            ),
            models.CheckConstraint(
                condition=~Q(kind="membership") | ~Q(billing_period=""), name="package_membership_has_period"
            ),
            models.CheckConstraint(
                condition=~Q(kind="program") | Q(program_template__isnull=False), name="package_program_has_template"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommercePolicy(models.Model):
    """The studio's commerce rules and invoice details: one row per studio schema (key is always 1)."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    late_cancel_fee_amount = models.PositiveIntegerField(_("late-cancel fee (minor units)"), default=0)
    no_show_fee_amount = models.PositiveIntegerField(_("no-show fee (minor units)"), default=0)
    fee_waive_hours = models.PositiveIntegerField(
        _("staff may waive a fee for (hours)"), default=24, help_text=_("Fees are charged once this has passed.")
    )
    strike_limit = models.PositiveIntegerField(_("strikes before a booking block (0: never)"), default=0)
    strike_window_days = models.PositiveIntegerField(_("strikes counted over (days)"), default=30)
    strike_block_days = models.PositiveIntegerField(_("booking block (days)"), default=7)
    past_due_grace_days = models.PositiveIntegerField(_("grace days for an unpaid membership"), default=3)
    invoice_due_days = models.PositiveIntegerField(_("invoices due after (days)"), default=14)
    refund_revokes_credits = models.BooleanField(
        _("a refund takes back the unused credits it paid for"),
        default=True,
        help_text=_("In proportion to the amount refunded; credits already used stay used."),
    )
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=12, default="INV-")
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax id"), max_length=60, blank=True)
    invoice_footer = models.TextField(_("invoice footer"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(key=1), name="commerce_policy_singleton")]

    def __str__(self) -> str:
        return str(_("Commerce policy"))


class BookingFeeRule(TimeStampedModel):
    """A late-cancel / no-show fee for one appointment type or class type, overriding the studio's."""

    appointment_type = models.OneToOneField(
        "scheduling.AppointmentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    class_type = models.OneToOneField(
        "scheduling.ClassType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    late_cancel_fee_amount = models.PositiveIntegerField(_("late-cancel fee (minor units)"))
    no_show_fee_amount = models.PositiveIntegerField(_("no-show fee (minor units)"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment_type__isnull=True) ^ Q(class_type__isnull=True), name="fee_rule_one_target"
            )
        ]
