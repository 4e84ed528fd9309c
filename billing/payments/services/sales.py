"""The catalog and selling: create and close packages, sell one to a client, fulfil it once paid.

A sale is an invoice first (finalised at once, so it carries its number) plus what it sells waiting on
it: a pending pack, an incomplete membership, or a program to assign. When the invoice is paid in full
(`invoice_fulfil`) the pack's credits become usable, the membership's first period starts, the program
is assigned. Nothing here calls Stripe: card payments go through `payments.payment_checkout_start`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import selectors
from billing.payments.models import (
    ClientPack,
    ClientSubscription,
    CreditMovement,
    ExpiryStart,
    Invoice,
    InvoiceLine,
    Package,
    PackageKind,
)
from billing.payments.services.invoices import LineData, invoice_draft, invoice_finalise
from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, PermissionDeniedError, ValidationError
from core.models import User
from core.permissions import is_management, is_studio_staff
from core.validation import one_line_problem

TERMS = (
    "kind",
    "price_amount",
    "tax_rate_bp",
    "tax_inclusive",
    "credits",
    "expiry_days",
    "expiry_starts",
    "billing_period",
    "visits_per_week",
    "minimum_term_periods",
    "signup_fee_amount",
    "covers_appointments",
    "covers_classes",
    "program_template_id",
)


def _check_package(values: dict[str, Any]) -> None:
    kind = values.get("kind")
    fields: dict[str, str] = {}
    if kind not in PackageKind.values:
        fields["kind"] = _("One of: pack, membership, drop_in, program.")
    name = str(values.get("name", ""))
    if not name.strip():
        fields["name"] = _("Give the package a name.")
    elif problem := one_line_problem(name):
        fields["name"] = problem
    if not isinstance(values.get("price_amount"), int) or values["price_amount"] < 0:
        fields["price_amount"] = _("A whole number of minor units, 0 or more.")
    if not 0 <= int(values.get("tax_rate_bp") or 0) <= 10000:
        fields["tax_rate_bp"] = _("Basis points from 0 to 10000.")
    if kind == PackageKind.DROP_IN:
        values["credits"] = 1
    if kind == PackageKind.PACK and not (values.get("credits") or 0) >= 1:
        fields["credits"] = _("A pack has at least 1 credit.")
    if kind == PackageKind.MEMBERSHIP and values.get("billing_period") not in ("week", "month", "year"):
        fields["billing_period"] = _("One of: week, month, year.")
    if kind == PackageKind.PROGRAM and not values.get("program_template_id"):
        fields["program_template_id"] = _("Choose the program this sells.")
    if values.get("expiry_starts", ExpiryStart.PURCHASE) not in ExpiryStart.values:
        fields["expiry_starts"] = _("One of: purchase, first_use.")
    if fields:
        raise ValidationError(_("The package is not valid."), code=ErrorCode.PACKAGE_INVALID, fields=fields)


@transaction.atomic
def package_create(
    *,
    actor: User,
    appointment_type_ids: list[int] | None = None,
    class_type_ids: list[int] | None = None,
    replaces: Package | None = None,
    **values: Any,
) -> Package:
    """A new package in the studio's currency. Raises ValidationError (fields) for bad terms."""
    _check_package(values)
    if values.get("program_template_id"):
        from domain.programs.models import ProgramTemplate

        if not ProgramTemplate.objects.filter(pk=values["program_template_id"], is_archived=False).exists():
            raise ValidationError(
                _("The package is not valid."),
                code=ErrorCode.PACKAGE_INVALID,
                fields={"program_template_id": _("No such program.")},
            )
    package = Package.objects.create(currency=tenant_connection.tenant.currency, replaces=replaces, **values)
    _set_scope(package, appointment_type_ids, class_type_ids)
    audit_record(actor=actor, action=AuditAction.PACKAGE_CREATE, target=package, price=package.price_amount)
    return package


def _set_scope(package: Package, appointment_type_ids: list[int] | None, class_type_ids: list[int] | None) -> None:
    from domain.scheduling.models import AppointmentType, ClassType

    if appointment_type_ids:
        found = list(AppointmentType.objects.filter(pk__in=appointment_type_ids))
        if len(found) != len(set(appointment_type_ids)):
            raise ValidationError(
                _("The package is not valid."),
                code=ErrorCode.PACKAGE_INVALID,
                fields={"appointment_type_ids": _("Unknown.")},
            )
        package.appointment_types.set(found)
    if class_type_ids:
        found_classes = list(ClassType.objects.filter(pk__in=class_type_ids))
        if len(found_classes) != len(set(class_type_ids)):
            raise ValidationError(
                _("The package is not valid."), code=ErrorCode.PACKAGE_INVALID, fields={"class_type_ids": _("Unknown.")}
            )
        package.class_types.set(found_classes)


@transaction.atomic
def package_close(*, actor: User, package_id: int, now: datetime | None = None) -> Package:
    """Stop selling a package; whoever bought it keeps it on its terms."""
    selectors.package_get(package_id=package_id)  # the 404 for an unknown id
    package = Package.objects.select_for_update().get(pk=package_id)
    if package.is_active:
        package.is_active = False
        package.closed_at = now or timezone.now()
        package.save(update_fields=["is_active", "closed_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.PACKAGE_CLOSE, target=package)
    return package


@transaction.atomic
def package_replace(*, actor: User, package_id: int, **changes: Any) -> Package:
    """Change a package's price or terms the only way allowed: close it and create its successor."""
    old = package_close(actor=actor, package_id=package_id)
    values = {name: getattr(old, name) for name in TERMS}
    values.update(name=old.name, description=old.description)
    values.update(changes)
    appointment_type_ids = values.pop("appointment_type_ids", None) or [t.pk for t in old.appointment_types.all()]
    class_type_ids = values.pop("class_type_ids", None) or [t.pk for t in old.class_types.all()]
    return package_create(
        actor=actor, replaces=old, appointment_type_ids=appointment_type_ids, class_type_ids=class_type_ids, **values
    )


@dataclass(frozen=True)
class Sale:
    """An open (or already paid) invoice and what it sells."""

    invoice: Invoice
    pack: ClientPack | None = None
    membership: ClientSubscription | None = None


def _ensure_may_sell(actor: User, client: User) -> None:
    if actor.pk != client.pk and not is_management(actor):
        raise PermissionDeniedError(_("Only the client or the studio's managers can make this purchase."))


def _zone() -> str:
    return tenant_connection.tenant.timezone


@transaction.atomic
def package_purchase(*, actor: User, client_id: int, package_id: int, now: datetime | None = None) -> Sale:
    """Sell a package: an invoice (numbered, open) plus the pack / membership / program waiting on it.

    Raises NotFoundError (unknown package or client), ConflictError (closed package, a second live
    membership of the same package), PermissionDeniedError (someone buying for another client).
    """
    from domain.clients.selectors import client_get

    now = now or timezone.now()
    client = client_get(actor=actor, client_id=client_id)
    _ensure_may_sell(actor, client)
    package = selectors.package_get(package_id=package_id)
    if not package.is_active:
        raise ConflictError(_("This package is no longer on sale."), code=ErrorCode.PACKAGE_CLOSED)
    lines = [
        LineData(
            description=package.name,
            unit_amount=package.price_amount,
            tax_rate_bp=package.tax_rate_bp,
            tax_inclusive=package.tax_inclusive,
            package=package,
        )
    ]
    membership = pack = None
    if package.kind == PackageKind.MEMBERSHIP:
        if package.signup_fee_amount:
            lines.append(
                LineData(
                    description=_("Sign-up fee: %(name)s") % {"name": package.name},
                    unit_amount=package.signup_fee_amount,
                    tax_rate_bp=package.tax_rate_bp,
                    tax_inclusive=package.tax_inclusive,
                )
            )
        if ClientSubscription.objects.filter(
            client=client, package=package, status__in=["incomplete", "active", "past_due"]
        ).exists():
            raise ConflictError(_("You already have this membership."), code=ErrorCode.MEMBERSHIP_EXISTS)
        membership = ClientSubscription.objects.create(
            client=client, package=package, price_amount=package.price_amount, currency=package.currency
        )
    invoice = invoice_draft(
        client=client,
        currency=package.currency,
        lines=lines,
        actor=actor,
        subscription_id=membership.pk if membership else None,
    )
    if package.kind in (PackageKind.PACK, PackageKind.DROP_IN):
        pack = ClientPack.objects.create(
            client=client,
            package=package,
            invoice=invoice,
            credits_total=package.credits or 0,  # a pack's or drop-in's credits are required on sale
            credits_remaining=0,
            expiry_days=package.expiry_days,
            expiry_starts=package.expiry_starts,
        )
    audit_record(actor=actor, action=AuditAction.PACKAGE_PURCHASE, target=invoice, package=package.pk)
    # A client buying in the shop pays at once (the receipt follows); a sale at the desk is emailed.
    invoice = invoice_finalise(invoice_id=invoice.pk, now=now, notify=actor.pk != client.pk)
    if pack is not None:
        pack.refresh_from_db()
    if membership is not None:
        membership.refresh_from_db()
    return Sale(invoice=invoice, pack=pack, membership=membership)


def invoice_fulfil(*, invoice: Invoice, now: datetime) -> None:
    """Deliver what a fully paid invoice sold (caller holds the invoice lock; runs once per invoice)."""
    for pack in ClientPack.objects.select_for_update().filter(invoice=invoice, status=ClientPack.Status.PENDING):
        pack.status = ClientPack.Status.ACTIVE
        pack.activated_at = now
        pack.credits_remaining = pack.credits_total
        if pack.expiry_days and pack.expiry_starts == ExpiryStart.PURCHASE:
            pack.expires_at = now + timedelta(days=pack.expiry_days)
        pack.save()
        CreditMovement.objects.create(
            pack=pack,
            delta=pack.credits_total,
            reason=CreditMovement.Reason.PURCHASE,
            balance_after=pack.credits_total,
            created_at=now,
        )
    if invoice.subscription_id:
        from billing.payments.services.subscriptions import membership_paid

        membership_paid(subscription_id=invoice.subscription_id, invoice=invoice, now=now)
    program_lines = InvoiceLine.objects.filter(invoice=invoice, package__kind=PackageKind.PROGRAM).select_related(
        "package"
    )
    for line in program_lines:
        from domain.programs.services import template_assign

        if line.package is None or line.package.program_template_id is None:
            continue  # the filter above keeps program lines only, and a program package names its template
        template_assign(
            template_id=line.package.program_template_id,
            client_id=invoice.client_id,
            actor=invoice.created_by or invoice.client,
            assignment_type="DYNAMIC_PROGRESSIVE",
        )


def invoice_withdraw(*, invoice: Invoice, actor: User, now: datetime) -> None:
    """A voided sale: its unpaid pack and incomplete membership are voided too."""
    ClientPack.objects.filter(invoice=invoice, status=ClientPack.Status.PENDING).update(status=ClientPack.Status.VOID)
    if invoice.subscription_id:
        ClientSubscription.objects.filter(
            pk=invoice.subscription_id, status=ClientSubscription.Status.INCOMPLETE
        ).update(status=ClientSubscription.Status.CANCELLED, cancelled_at=now)


def staff_only(actor: User) -> None:
    if not is_studio_staff(actor):
        raise PermissionDeniedError(_("Only the studio's staff can do this."))
