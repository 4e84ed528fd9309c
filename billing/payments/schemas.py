"""API shapes of studio commerce. Money is always `amount` (integer minor units) with `currency`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ninja import Schema
from pydantic import Field

from billing.payments.models import ClientSubscription, Invoice, Package, SubscriptionPause
from core.api.pagination import PageParams

if TYPE_CHECKING:
    from billing.payments.models import Payment, PaymentDispute


class PackageIn(Schema):
    kind: Literal["pack", "membership", "drop_in", "program"]
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    price_amount: int = Field(ge=0, description="Minor units, in the studio's currency")
    tax_rate_bp: int = Field(0, ge=0, le=10000, description="Basis points: 2000 = 20 %")
    tax_inclusive: bool = True
    credits: int | None = Field(None, ge=1)
    expiry_days: int | None = Field(None, ge=1)
    expiry_starts: Literal["purchase", "first_use"] = "purchase"
    billing_period: Literal["week", "month", "year", ""] = ""
    visits_per_week: int | None = Field(None, ge=1)
    minimum_term_periods: int = Field(0, ge=0)
    signup_fee_amount: int = Field(0, ge=0)
    covers_appointments: bool = True
    covers_classes: bool = True
    appointment_type_ids: list[int] = Field(default_factory=list, max_length=200)
    class_type_ids: list[int] = Field(default_factory=list, max_length=200)
    program_template_id: int | None = None


class PackageChangeIn(Schema):
    """New terms for a package: it is closed and a successor created with these changes."""

    name: str | None = Field(None, min_length=1, max_length=120)
    price_amount: int | None = Field(None, ge=0)
    credits: int | None = Field(None, ge=1)
    expiry_days: int | None = Field(None, ge=1)
    visits_per_week: int | None = Field(None, ge=1)
    signup_fee_amount: int | None = Field(None, ge=0)
    tax_rate_bp: int | None = Field(None, ge=0, le=10000)


class PackageOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    price_amount: int
    currency: str
    tax_rate_bp: int
    tax_inclusive: bool
    credits: int | None
    expiry_days: int | None
    expiry_starts: str
    billing_period: str
    visits_per_week: int | None
    minimum_term_periods: int
    signup_fee_amount: int
    covers_appointments: bool
    covers_classes: bool
    appointment_type_ids: list[int]
    class_type_ids: list[int]
    program_template_id: int | None
    is_active: bool
    replaces_id: int | None

    @staticmethod
    def resolve_appointment_type_ids(obj: Package) -> list[int]:
        return [t.pk for t in obj.appointment_types.all()]

    @staticmethod
    def resolve_class_type_ids(obj: Package) -> list[int]:
        return [t.pk for t in obj.class_types.all()]


class PurchaseIn(Schema):
    package_id: int


class InvoiceLineOut(Schema):
    description: str
    quantity: int
    unit_amount: int
    tax_rate_bp: int
    tax_inclusive: bool
    net_amount: int
    tax_amount: int
    total_amount: int


class InvoiceOut(Schema):
    id: int
    number: str | None
    status: str
    client_id: int
    currency: str
    subtotal_amount: int
    tax_amount: int
    total_amount: int
    amount_paid: int
    amount_due: int
    amount_refunded: int
    issued_at: datetime | None
    due_at: datetime | None
    paid_at: datetime | None
    seller: dict[str, str]
    lines: list[InvoiceLineOut]
    pdf_url: str

    @staticmethod
    def resolve_pdf_url(obj: Invoice) -> str:
        return f"/api/v1/invoices/{obj.pk}/pdf"


class InvoiceSummaryOut(Schema):
    id: int
    number: str | None
    status: str
    client_id: int
    currency: str
    total_amount: int
    amount_paid: int
    amount_due: int
    issued_at: datetime | None
    due_at: datetime | None


class PackOut(Schema):
    id: int
    package_id: int
    name: str = Field(alias="package.name")
    status: str
    credits_total: int
    credits_remaining: int
    expires_at: datetime | None
    invoice_id: int | None


class PauseOut(Schema):
    starts_at: datetime
    ends_at: datetime


class MembershipOut(Schema):
    id: int
    package_id: int
    name: str = Field(alias="package.name")
    status: str
    price_amount: int
    currency: str
    current_period_start: datetime | None
    current_period_end: datetime | None
    next_bill_at: datetime | None
    commitment_ends_at: datetime | None
    cancel_at: datetime | None
    pending_package_id: int | None
    pauses: list[PauseOut]

    @staticmethod
    def resolve_pauses(obj: ClientSubscription) -> list[SubscriptionPause]:
        return list(obj.pauses.all())


class SaleOut(Schema):
    invoice: InvoiceOut
    pack: PackOut | None = None
    membership: MembershipOut | None = None


class CreditsOut(Schema):
    credits_remaining: int = Field(description="Usable credits across active, unexpired packs")
    packs: list[PackOut]


class LedgerOut(Schema):
    id: int
    pack_id: int
    package: str = Field(alias="pack.package.name")
    delta: int
    reason: str
    balance_after: int
    created_at: datetime


class SavedCardOut(Schema):
    id: int
    brand: str
    last4: str
    is_default: bool
    created_at: datetime


class PauseIn(Schema):
    starts_at: datetime | None = Field(None, description="Required; the freeze's first moment")
    ends_at: datetime | None = Field(None, description="Required; the freeze ends here (exclusive)")


class MembershipCancelIn(Schema):
    when: Literal["period_end", "now"] = "period_end"
    refund: bool = Field(False, description="With `now` (staff): refund the unused share of the period")


class CancelTermsOut(Schema):
    ends_at: datetime
    remaining_periods: int
    remaining_amount: int
    currency: str


class ChangeIn(Schema):
    package_id: int


class ChangeOut(Schema):
    membership: MembershipOut
    invoice: InvoiceOut | None = None


class PaymentIn(Schema):
    invoice_id: int
    amount: int = Field(gt=0, description="Minor units")
    method: Literal["cash", "bank_transfer", "other"]
    reference: str = Field("", max_length=120)
    note: str = Field("", max_length=500)


class DisputeOut(Schema):
    stripe_dispute_id: str
    amount: int
    currency: str
    reason: str
    status: str
    evidence_due_by: datetime | None


class PaymentOut(Schema):
    id: int
    invoice_id: int
    client_id: int
    amount: int
    currency: str
    method: str
    status: str
    amount_refunded: int
    reference: str
    created_at: datetime
    succeeded_at: datetime | None
    disputes: list[DisputeOut] = Field(default_factory=list, description="Chargebacks, Stripe's status")

    @staticmethod
    def resolve_disputes(obj: Payment) -> list[PaymentDispute]:
        return list(obj.disputes.all())


class RefundIn(Schema):
    amount: int | None = Field(None, gt=0, description="Minor units; empty refunds what is left")
    reason: str = Field("", max_length=500)


class RefundOut(Schema):
    id: int
    payment_id: int
    amount: int
    reason: str
    status: str
    created_at: datetime


class FeeOut(Schema):
    id: int
    client_id: int
    kind: str
    amount: int
    currency: str
    description: str
    status: str
    charge_after: datetime
    invoice_id: int | None


class StrikeOut(Schema):
    id: int
    kind: str
    occurred_at: datetime
    forgiven_at: datetime | None


class StrikesOut(Schema):
    strikes: int
    limit: int
    window_days: int
    blocked_until: datetime | None
    warn: bool
    items: list[StrikeOut]


class ForgiveIn(Schema):
    strike_id: int | None = Field(None, description="Empty forgives every strike (reset)")


class PolicyIO(Schema):
    late_cancel_fee_amount: int = Field(ge=0)
    no_show_fee_amount: int = Field(ge=0)
    fee_waive_hours: int = Field(ge=0, le=24 * 30)
    strike_limit: int = Field(ge=0, le=100)
    strike_window_days: int = Field(ge=1, le=365)
    strike_block_days: int = Field(ge=1, le=365)
    past_due_grace_days: int = Field(ge=0, le=90)
    invoice_due_days: int = Field(ge=0, le=365)
    refund_revokes_credits: bool = True
    invoice_prefix: str = Field(max_length=12, pattern=r"^[A-Za-z0-9-/]*$")
    legal_name: str = Field("", max_length=200)
    address: str = Field("", max_length=1000)
    tax_id: str = Field("", max_length=60)
    invoice_footer: str = Field("", max_length=2000)


class PreviewQuery(Schema):
    appointment_type_id: int | None = None
    class_type_id: int | None = None
    starts_at: datetime


class PreviewOut(Schema):
    allowed: bool
    source: str
    code: str
    description: str


class InvoiceQuery(PageParams):
    status: Literal["open", "paid", "void", "uncollectible"] | None = None
    overdue: bool = False
    client_id: int | None = None


class ClientPageQuery(PageParams):
    client_id: int | None = None


class CheckoutOut(Schema):
    payment_id: int
    checkout_url: str
