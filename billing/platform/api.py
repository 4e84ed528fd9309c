"""The studio owner's platform billing on the public host (`/api/v1/billing/...`, public OpenAPI).

Auth: the owner's Bearer access token from their studio (it names the studio's schema; it is verified in
that schema, so a token is only ever valid for its own studio). Only owners (`studio.manage_billing`).
"""

from __future__ import annotations

from typing import cast

import jwt
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from ninja import Query, Router
from ninja.security import HttpBearer

from billing.platform import selectors, services
from billing.platform.limits import active_client_count
from billing.platform.models import PlanPrice, PlatformInvoice, StudioSubscription
from billing.platform.schemas import (
    ConnectOut,
    InvoiceOut,
    PlanChangeIn,
    PriceOut,
    RedirectOut,
    SubscriptionOut,
)
from core.api.pagination import CursorPage, PageParams, paginate_cursor
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.models import User
from core.permissions import require
from core.tenancy import studio_base_url
from core.tokens import TokenError, access_token_user
from tenants.models import Studio


class OwnerRequest(HttpRequest):
    """A request that passed `StudioOwnerBearer`: the owner on `auth`, their studio on `studio`."""

    auth: User
    studio: Studio


class StudioOwnerBearer(HttpBearer):
    """A studio's own access token, checked in that studio's schema; the studio goes on `request.studio`."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            schema = jwt.decode(token, options={"verify_signature": False}).get("sch", "")
        except jwt.PyJWTError as exc:
            raise TokenError(_("The access token is not valid.")) from exc
        studio = Studio.objects.filter(schema_name=schema).exclude(schema_name="public").first()
        if studio is None:
            raise TokenError(_("The access token is not valid."))
        with schema_context(studio.schema_name):
            user = access_token_user(token)  # verifies signature, expiry and that the schema is this one
        require(user, "studio.manage_billing")
        cast(OwnerRequest, request).studio = studio
        return user


router = Router(tags=["billing"], auth=StudioOwnerBearer())
ERRORS = {400: dict, 401: dict, 402: dict, 403: dict, 404: dict, 409: dict, 503: dict}


def _studio(request: OwnerRequest) -> Studio:
    return request.studio


def price_out(price: PlanPrice) -> dict:
    plan = price.plan
    return {
        "id": price.pk,
        "plan": plan.code,
        "plan_name": plan.name,
        "interval": price.interval,
        "amount": price.amount,
        "currency": price.currency,
        "client_limit": plan.client_limit,
        "platform_fee_bps": plan.platform_fee_bps,
    }


def subscription_out(row: StudioSubscription) -> dict:
    return {
        "studio": row.studio.slug,
        "status": row.status,
        "price": price_out(row.price),
        "trial_end": row.trial_end,
        "current_period_end": row.current_period_end,
        "cancel_at_period_end": row.cancel_at_period_end,
        "scheduled_price": price_out(row.scheduled_price) if row.scheduled_price else None,
        "active_clients": active_client_count(studio=row.studio),
        "past_due_since": row.past_due_since,
    }


def _subscription(studio: Studio) -> StudioSubscription:
    row = selectors.studio_subscription(studio=studio)
    if row is None:
        raise NotFoundError(_("This studio has no platform subscription."), code=ErrorCode.NO_SUBSCRIPTION)
    return row


@router.get("/subscription", response={200: SubscriptionOut, **ERRORS}, summary="The studio's plan and status")
def subscription_get(request: OwnerRequest) -> dict:
    return subscription_out(_subscription(_studio(request)))


@router.get("/plans", response=list[PriceOut], summary="Plan prices the studio may move to")
def plans_list(request: OwnerRequest) -> list[dict]:
    row = selectors.studio_subscription(studio=_studio(request))
    currency = row.price.currency if row else _studio(request).currency
    return [price_out(p) for p in selectors.prices_offered(currency=currency)]


@router.post(
    "/subscription/plan",
    response={200: SubscriptionOut, **ERRORS},
    summary="Change plan: bigger now (prorated), smaller at the period end",
)
def subscription_plan_change(request: OwnerRequest, payload: PlanChangeIn) -> dict:
    price = PlanPrice.objects.select_related("plan").filter(pk=payload.price_id, active=True).first()
    if price is None:
        raise NotFoundError(_("No such plan price is offered."), code=ErrorCode.PRICE_UNAVAILABLE)
    row = services.subscription_change_plan(studio=_studio(request), price=price, actor=request.auth)
    return subscription_out(row)


@router.post("/subscription/cancel", response={200: SubscriptionOut, **ERRORS}, summary="Cancel at the period end")
def subscription_cancel(request: OwnerRequest) -> dict:
    return subscription_out(services.subscription_cancel(studio=_studio(request), actor=request.auth))


@router.post("/subscription/reactivate", response={200: SubscriptionOut, **ERRORS}, summary="Undo a cancellation")
def subscription_reactivate(request: OwnerRequest) -> dict:
    return subscription_out(services.subscription_reactivate(studio=_studio(request), actor=request.auth))


@router.get(
    "/invoices", response={200: CursorPage[InvoiceOut], **ERRORS}, summary="The platform's invoices, newest first"
)
def invoices_list(request: OwnerRequest, page: Query[PageParams]) -> dict:
    rows = PlatformInvoice.objects.filter(studio=_studio(request))
    result = paginate_cursor(rows, cursor=page.cursor, limit=page.limit, order=("-created", "-id"))
    result["items"] = [invoice_out(i) for i in result["items"]]
    return result


def invoice_out(invoice: PlatformInvoice) -> dict:
    return {
        "id": invoice.stripe_invoice_id,
        "status": invoice.status,
        "amount_due": invoice.amount_due,
        "amount_paid": invoice.amount_paid,
        "currency": invoice.currency,
        "attempt_count": invoice.attempt_count,
        "billing_reason": invoice.billing_reason,
        "hosted_invoice_url": invoice.hosted_invoice_url,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "created": invoice.created,
    }


def _billing_page(studio: Studio) -> str:
    with schema_context(studio.schema_name):
        return f"{studio_base_url(studio)}{reverse('portal:billing', urlconf=settings.ROOT_URLCONF)}"


@router.post(
    "/payment-method-session",
    response={200: RedirectOut, **ERRORS},
    summary="A Stripe-hosted page to set the card (returns to the studio's billing page)",
)
def payment_method_session(request: OwnerRequest) -> dict:
    studio = _studio(request)
    return {"url": services.payment_method_session_create(studio=studio, return_url=_billing_page(studio))}


@router.get("/connect", response={200: ConnectOut, **ERRORS}, summary="The studio's Stripe Connect state")
def connect_get(request: OwnerRequest) -> dict:
    account = selectors.studio_connected_account(studio=_studio(request))
    return {
        "account_id": account.stripe_account_id if account else None,
        "charges_enabled": bool(account and account.charges_enabled),
        "payouts_enabled": bool(account and account.payouts_enabled),
        "details_submitted": bool(account and account.details_submitted),
        "requirements_due": account.requirements_due if account else [],
    }


@router.post(
    "/connect/onboarding-link",
    response={200: RedirectOut, **ERRORS},
    summary="Stripe-hosted Connect onboarding (returns to the studio host)",
)
def connect_onboarding_link(request: OwnerRequest) -> dict:
    studio = _studio(request)
    base = studio_base_url(studio)
    url = services.connect_onboarding_link_create(
        studio=studio,
        actor=request.auth,
        return_url=f"{base}{reverse('portal:billing_connect_return', urlconf=settings.ROOT_URLCONF)}",
        refresh_url=f"{base}{reverse('portal:billing_connect_start', urlconf=settings.ROOT_URLCONF)}",
    )
    return {"url": url}
