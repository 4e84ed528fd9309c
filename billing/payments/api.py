"""/api/v1 studio commerce: packages, purchases, memberships, credits, payments, invoices, fees, strikes.

Clients see and act on their own wallet; staff on the clients they may see (domain/clients' rules);
managers sell, refund and manage the catalog; the owner sets the policy.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from billing.payments import schemas, selectors, services
from billing.payments.models import ClientSubscription, Invoice, Payment
from billing.payments.services.policy import commerce_policy_update
from core.api.pagination import CursorPage, PageParams, paginate_cursor
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError, ValidationError
from core.http import AuthedRequest
from core.models import Role, User
from core.permissions import require
from domain.clients.selectors import client_in_scope

router = Router(tags=["commerce"])


def _is_client(user: User) -> bool:
    return user.role == Role.CLIENT


def _visible_client(request: AuthedRequest, client_id: int) -> User:
    """The client whose commerce the asker may see (`client_in_scope`): 403 for a role that may not, 404 for a
    client outside the asker's scope or another studio's id."""
    return client_in_scope(actor=request.user, client_id=client_id, action="commerce.view")


# --- Catalog -------------------------------------------------------------------------------------


@router.get("/packages", response=list[schemas.PackageOut], summary="Packages on sale (staff: `all` includes closed)")
def package_list(request: AuthedRequest, all: bool = False) -> object:
    require(request.user, "commerce.view")
    return list(selectors.package_list(on_sale_only=not (all and not _is_client(request.user))))


@router.post("/packages", response={201: schemas.PackageOut}, summary="Create a package (managers)")
def package_create(request: AuthedRequest, payload: schemas.PackageIn) -> object:
    require(request.user, "commerce.manage_catalog")
    data = payload.model_dump()
    package = services.package_create(
        actor=request.user,
        appointment_type_ids=data.pop("appointment_type_ids"),
        class_type_ids=data.pop("class_type_ids"),
        **data,
    )
    return Status(201, selectors.package_get(package_id=package.pk))


@router.post("/packages/{package_id}/close", response=schemas.PackageOut, summary="Stop selling a package")
def package_close(request: AuthedRequest, package_id: int) -> object:
    require(request.user, "commerce.manage_catalog")
    return services.package_close(actor=request.user, package_id=package_id)


@router.post(
    "/packages/{package_id}/replace",
    response={201: schemas.PackageOut},
    summary="New price or terms: close the package and create its successor (buyers keep theirs)",
)
def package_replace(request: AuthedRequest, package_id: int, payload: schemas.PackageChangeIn) -> object:
    require(request.user, "commerce.manage_catalog")
    changes = payload.model_dump(exclude_none=True)
    package = services.package_replace(actor=request.user, package_id=package_id, **changes)
    return Status(201, selectors.package_get(package_id=package.pk))


# --- Buying ----------------------------------------------------------------------------------------


def _sale_out(sale: services.Sale) -> dict[str, object]:
    return {
        "invoice": selectors.invoice_get(invoice_id=sale.invoice.pk),
        "pack": sale.pack,
        "membership": selectors.client_memberships(client=sale.invoice.client).get(pk=sale.membership.pk)
        if sale.membership
        else None,
    }


@router.post(
    "/clients/{client_id}/purchases",
    response={201: schemas.SaleOut},
    summary="Buy a package: an open invoice plus what it sells, usable once paid",
)
def purchase(request: AuthedRequest, client_id: int, payload: schemas.PurchaseIn) -> object:
    require(request.user, "commerce.buy")
    return Status(
        201,
        _sale_out(services.package_purchase(actor=request.user, client_id=client_id, package_id=payload.package_id)),
    )


@router.post("/clients/{client_id}/subscribe", response={201: schemas.SaleOut}, summary="Start a membership")
def subscribe(request: AuthedRequest, client_id: int, payload: schemas.PurchaseIn) -> object:
    require(request.user, "commerce.buy")
    package = selectors.package_get(package_id=payload.package_id)
    if package.kind != "membership":
        raise ValidationError(
            _("Choose a membership."), code=ErrorCode.NOT_A_MEMBERSHIP, fields={"package_id": _("Not a membership.")}
        )
    return Status(
        201, _sale_out(services.package_purchase(actor=request.user, client_id=client_id, package_id=package.pk))
    )


@router.get(
    "/clients/{client_id}/subscription", response=list[schemas.MembershipOut], summary="The client's memberships"
)
def membership_list(request: AuthedRequest, client_id: int) -> object:
    return list(selectors.client_memberships(client=_visible_client(request, client_id)))


def _membership(request: AuthedRequest, membership_id: int) -> ClientSubscription:
    return selectors.membership_seen(viewer=request.user, membership_id=membership_id)


def _membership_out(membership_id: int) -> ClientSubscription:
    return ClientSubscription.objects.select_related("package").prefetch_related("pauses").get(pk=membership_id)


@router.post("/memberships/{membership_id}/pause", response=schemas.MembershipOut, summary="Freeze a membership")
def membership_pause(request: AuthedRequest, membership_id: int, payload: schemas.PauseIn) -> object:
    require(request.user, "commerce.buy")
    dates = {name: getattr(payload, name) for name in ("starts_at", "ends_at")}
    for name in sorted(dates, key=lambda n: dates[n] is None):  # a bad date is named before a missing one
        value = dates[name]
        if value is None or not 2000 <= value.year <= 2100:
            raise ValidationError(
                _("Give both dates of the freeze."),
                code=ErrorCode.PAUSE_INVALID,
                fields={name: _("A date from 2000 to 2100.")},
            )
    _membership(request, membership_id)
    services.subscription_pause(  # both dates are there: refused above when missing
        actor=request.user, subscription_id=membership_id, starts_at=dates["starts_at"], ends_at=dates["ends_at"]
    )
    return _membership_out(membership_id)


@router.get(
    "/memberships/{membership_id}/cancel-terms",
    response=schemas.CancelTermsOut,
    summary="What cancelling leaves: last day, remaining commitment",
)
def membership_cancel_terms(request: AuthedRequest, membership_id: int) -> object:
    require(request.user, "commerce.view")
    return services.subscription_cancel_preview(subscription=_membership_out(_membership(request, membership_id).pk))


@router.post("/memberships/{membership_id}/cancel", response=schemas.MembershipOut, summary="Cancel a membership")
def membership_cancel(request: AuthedRequest, membership_id: int, payload: schemas.MembershipCancelIn) -> object:
    require(request.user, "commerce.buy")
    _membership(request, membership_id)
    if payload.when == "now":
        require(request.user, "commerce.refund")
        services.subscription_cancel_now(actor=request.user, subscription_id=membership_id, refund=payload.refund)
    else:
        services.subscription_cancel_at_period_end(actor=request.user, subscription_id=membership_id)
    return _membership_out(membership_id)


@router.post(
    "/memberships/{membership_id}/change",
    response=schemas.ChangeOut,
    summary="Upgrade now (prorated invoice) or downgrade at the period end",
)
def membership_change(request: AuthedRequest, membership_id: int, payload: schemas.ChangeIn) -> object:
    require(request.user, "commerce.buy")
    _membership(request, membership_id)
    _m, invoice = services.subscription_change(
        actor=request.user, subscription_id=membership_id, package_id=payload.package_id
    )
    return {
        "membership": _membership_out(membership_id),
        "invoice": selectors.invoice_get(invoice_id=invoice.pk) if invoice else None,
    }


# --- Credits ---------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/credits", response=schemas.CreditsOut, summary="Credit balance and packs")
def credits(request: AuthedRequest, client_id: int) -> object:
    client = _visible_client(request, client_id)
    usable = selectors.live_packs(client_id=client.pk, now=timezone.now())
    return {
        "credits_remaining": sum(p.credits_remaining for p in usable),
        "packs": list(selectors.client_packs(client=client)),
    }


@router.get(
    "/clients/{client_id}/credits/ledger", response=CursorPage[schemas.LedgerOut], summary="Every credit movement"
)
def credit_ledger(request: AuthedRequest, client_id: int, query: Query[PageParams]) -> object:
    rows = selectors.credit_ledger(client=_visible_client(request, client_id))
    return paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=("-created_at", "-id"))


@router.get("/clients/{client_id}/cards", response=list[schemas.SavedCardOut], summary="Cards on file")
def saved_cards(request: AuthedRequest, client_id: int) -> object:
    from billing.payments.services.saved_cards import saved_card_list

    return saved_card_list(client=_visible_client(request, client_id))


@router.delete("/cards/{card_id}", response={204: None}, summary="Remove a card on file (the client or staff)")
def saved_card_delete(request: AuthedRequest, card_id: int) -> object:
    require(request.user, "commerce.view")
    from billing.payments.services.saved_cards import saved_card_remove

    saved_card_remove(actor=request.user, card_id=card_id)
    return Status(204, None)


# --- Payments and invoices ----------------------------------------------------------------------------


def _scoped_client(request: AuthedRequest, client_id: int | None) -> User | None:
    if _is_client(request.user):
        return request.user
    return _visible_client(request, client_id) if client_id else None


@router.get("/payments", response=CursorPage[schemas.PaymentOut], summary="Payment history (client: their own)")
def payment_list(request: AuthedRequest, query: Query[schemas.ClientPageQuery]) -> object:
    require(request.user, "commerce.view")
    if not _is_client(request.user):
        require(request.user, "commerce.view_all")
    rows = selectors.payment_list(client=_scoped_client(request, query.client_id), viewer=request.user)
    return paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=("-created_at", "-id"))


@router.post("/payments", response={201: schemas.PaymentOut}, summary="Record a cash, bank or other payment (staff)")
def payment_record(request: AuthedRequest, payload: schemas.PaymentIn) -> object:
    require(request.user, "commerce.record_payment")
    payment = services.payment_record_manual(actor=request.user, **payload.model_dump())
    return Status(201, payment)


@router.post("/payments/{payment_id}/refund", response={201: schemas.RefundOut}, summary="Refund all or part")
def payment_refund(request: AuthedRequest, payment_id: int, payload: schemas.RefundIn) -> object:
    require(request.user, "commerce.refund")
    if not Payment.objects.filter(pk=payment_id).exists():
        raise NotFoundError(code=ErrorCode.PAYMENT_NOT_FOUND)
    return Status(
        201,
        services.payment_refund(
            actor=request.user, payment_id=payment_id, amount=payload.amount, reason=payload.reason
        ),
    )


@router.get("/invoices", response=CursorPage[schemas.InvoiceSummaryOut], summary="Invoices (client: their own)")
def invoice_list(request: AuthedRequest, query: Query[schemas.InvoiceQuery]) -> object:
    require(request.user, "commerce.view")
    if not _is_client(request.user):
        require(request.user, "commerce.view_all")
    rows = selectors.invoice_list(
        client=_scoped_client(request, query.client_id), status=query.status, viewer=request.user
    )
    if query.overdue:
        rows = rows.filter(status="open", due_at__lt=timezone.now())
    return paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=("-created_at", "-id"))


def _invoice(request: AuthedRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_seen(viewer=request.user, invoice_id=invoice_id)


@router.get("/invoices/{invoice_id}", response=schemas.InvoiceOut, summary="One invoice with its lines")
def invoice_get(request: AuthedRequest, invoice_id: int) -> object:
    require(request.user, "commerce.view")
    return _invoice(request, invoice_id)


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice as a PDF", response={200: None})
def invoice_pdf(request: AuthedRequest, invoice_id: int) -> HttpResponse:
    from billing.payments.documents import invoice_pdf as render

    require(request.user, "commerce.view")
    invoice = _invoice(request, invoice_id)
    response = HttpResponse(render(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@router.post("/invoices/{invoice_id}/void", response=schemas.InvoiceOut, summary="Void an unpaid invoice (managers)")
def invoice_void(request: AuthedRequest, invoice_id: int) -> object:
    require(request.user, "commerce.refund")
    _invoice(request, invoice_id)
    services.invoice_void(actor=request.user, invoice_id=invoice_id)
    return selectors.invoice_get(invoice_id=invoice_id)


# --- Fees and strikes -----------------------------------------------------------------------------------


@router.get("/fees", response=CursorPage[schemas.FeeOut], summary="Late-cancel and no-show fees")
def fee_list(request: AuthedRequest, query: Query[schemas.ClientPageQuery], status: str | None = None) -> object:
    require(request.user, "commerce.view")
    rows = selectors.fee_list(client=_scoped_client(request, query.client_id), status=status, viewer=request.user)
    return paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=("-created_at", "-id"))


@router.post("/fees/{fee_id}/waive", response=schemas.FeeOut, summary="Waive a pending fee (staff)")
def fee_waive(request: AuthedRequest, fee_id: int) -> object:
    require(request.user, "commerce.record_payment")
    return services.fee_waive(actor=request.user, fee_id=fee_id)


@router.get("/clients/{client_id}/strikes", response=schemas.StrikesOut, summary="Strikes and any booking block")
def strikes(request: AuthedRequest, client_id: int) -> object:
    client = _visible_client(request, client_id)
    status = selectors.strike_status(client_id=client.pk)
    return {**status.__dict__, "items": list(client.strikes.all()[:50])}


@router.post("/clients/{client_id}/strikes/forgive", response=schemas.StrikesOut, summary="Forgive one or all")
def strikes_forgive(request: AuthedRequest, client_id: int, payload: schemas.ForgiveIn) -> object:
    services.strikes_forgive(actor=request.user, client_id=client_id, strike_id=payload.strike_id)
    return strikes(request, client_id)


# --- Policy and previews -----------------------------------------------------------------------------------


@router.get("/commerce/policy", response=schemas.PolicyIO, summary="The studio's billing settings")
def policy_get(request: AuthedRequest) -> object:
    require(request.user, "commerce.view_all")
    return selectors.policy_get()


@router.put("/commerce/policy", response=schemas.PolicyIO, summary="Change the billing settings (owner)")
def policy_update(request: AuthedRequest, payload: schemas.PolicyIO) -> object:
    require(request.user, "commerce.manage_policy")
    return commerce_policy_update(actor=request.user, **payload.model_dump())


@router.get(
    "/bookings/preview", response=schemas.PreviewOut, summary="What a booking would use (for the signed-in client)"
)
def booking_preview(request: AuthedRequest, query: Query[schemas.PreviewQuery]) -> object:
    require(request.user, "commerce.view")
    decision = services.entitlement_decide(
        client=request.user,
        bookable=services.Bookable(
            appointment_type_id=query.appointment_type_id, class_type_id=query.class_type_id, starts_at=query.starts_at
        ),
    )
    return {
        "allowed": decision.allowed,
        "source": decision.source,
        "code": decision.code,
        "description": decision.describe(),
    }
