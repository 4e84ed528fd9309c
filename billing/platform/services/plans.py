"""Platform plans and their prices. A price is never edited: a new one replaces it for new studios."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from billing.platform.models import Plan, PlanPrice
from billing.stripe_client import idempotency_key, stripe_client, stripe_errors
from core.audit import AuditAction, audit_record
from core.exceptions import ValidationError
from core.models import User


def _check_money(amount: int, currency: str) -> str:
    if amount <= 0:
        raise ValidationError(_("A price must be more than zero."), fields={"amount": _("Must be more than 0.")})
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(_("Unknown currency."), fields={"currency": _("Use an ISO code such as GBP.")})
    return currency.upper()


@transaction.atomic
def plan_create(
    *,
    code: str,
    name: str,
    client_limit: int | None,
    platform_fee_bps: int,
    trial_days: int,
    monthly_amount: int,
    annual_amount: int,
    currency: str,
    rank: int = 0,
    actor: User | None = None,
) -> Plan:
    """A plan with a monthly and an annual price, created on Stripe as a product with two prices.

    Amounts in minor units; platform_fee_bps in basis points (0..10 000). Raises ValidationError on a
    taken code or bad numbers, PaymentProviderError when Stripe cannot be reached (nothing is stored).
    """
    currency = _check_money(monthly_amount, currency)
    _check_money(annual_amount, currency)
    if Plan.objects.filter(code=code).exists():
        raise ValidationError(_("A plan with this code exists."), fields={"code": _("Already taken.")})
    if not 0 <= platform_fee_bps <= 10000:
        raise ValidationError(_("The platform fee is a percentage."), fields={"platform_fee_bps": _("0 to 10000.")})
    with stripe_errors():
        product = stripe_client().v1.products.create(
            params={"name": name, "metadata": {"plan": code}},
            options={"idempotency_key": idempotency_key("product", code)},
        )
    plan = Plan.objects.create(
        code=code,
        name=name,
        client_limit=client_limit,
        platform_fee_bps=platform_fee_bps,
        trial_days=trial_days,
        rank=rank,
        stripe_product_id=product.id,
    )
    plan_price_create(plan=plan, interval=PlanPrice.Interval.MONTH, amount=monthly_amount, currency=currency)
    plan_price_create(plan=plan, interval=PlanPrice.Interval.YEAR, amount=annual_amount, currency=currency)
    audit_record(actor=actor, action=AuditAction.PLAN_CREATE, target=plan, code=code)
    return plan


@transaction.atomic
def plan_price_create(*, plan: Plan, interval: str, amount: int, currency: str, actor: User | None = None) -> PlanPrice:
    """A new price for the plan; the one it replaces stops being offered but its subscribers keep it.

    Raises ValidationError on bad amount, currency or interval, PaymentProviderError from Stripe.
    """
    currency = _check_money(amount, currency)
    if interval not in PlanPrice.Interval.values:
        raise ValidationError(_("Unknown billing interval."), fields={"interval": _("month or year.")})
    current = PlanPrice.objects.select_for_update().filter(plan=plan, interval=interval, currency=currency, active=True)
    with stripe_errors():
        price = stripe_client().v1.prices.create(
            params={
                "product": plan.stripe_product_id,
                "currency": currency.lower(),
                "unit_amount": amount,
                "recurring": {"interval": interval},
                "metadata": {"plan": plan.code},
            },
        )
    replaced = list(current)
    current.update(active=False)
    created = PlanPrice.objects.create(
        plan=plan, interval=interval, amount=amount, currency=currency, stripe_price_id=price.id
    )
    for old in replaced:  # Stripe stops offering it too; existing subscriptions on it are untouched
        transaction.on_commit(partial(_price_deactivate, old.stripe_price_id))
    if actor is not None:
        audit_record(actor=actor, action=AuditAction.PLAN_PRICE_CREATE, target=plan, amount=amount, interval=interval)
    return created


def _price_deactivate(stripe_price_id: str) -> None:
    with stripe_errors():
        stripe_client().v1.prices.update(stripe_price_id, params={"active": False})
