"""Portal pages of studio commerce: the client's shop and wallet, the staff's sales desk, the owner's
billing settings. Each action parses the form, calls one service and says what happened; a refused one
shows the service's message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.payments import selectors, services
from billing.payments.models import ClientSubscription, Invoice, Payment
from billing.payments.money import format_money, input_money, parse_money
from billing.payments.services.policy import EDITABLE, commerce_policy_update
from billing.payments.services.saved_cards import saved_card_list, saved_card_remove
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import id_param
from core.models import User
from core.permissions import can
from domain.clients.selectors import client_in_scope, clients_visible_to
from portal.views.common import found
from tenants.http import StudioRequest


def _acting(default: str) -> Callable[[Callable[..., str | HttpResponse]], Callable[..., HttpResponse]]:
    """Run a POST action; a refused one becomes an error message on the page it came from."""

    def decorate(view: Callable[..., str | HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            back = request.POST.get("next") or reverse(default)
            if not back.startswith("/"):
                back = reverse(default)
            try:
                done = view(request, *args, **kwargs)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return HttpResponseRedirect(back)
            if isinstance(done, HttpResponse):
                return done
            if done:
                messages.success(request, done)
            return HttpResponseRedirect(back)

        return login_required(require_POST(wrapper))

    return decorate


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


# --- Client: shop and wallet -------------------------------------------------------------------------


@login_required
def shop(request: StudioRequest) -> HttpResponse:
    packages = [
        {"package": p, "price": _money(p.price_amount, p.currency), "signup": _money(p.signup_fee_amount, p.currency)}
        for p in selectors.package_list()
    ]
    return render(request, "portal/commerce/shop.html", {"packages": packages})


@_acting("portal:shop")
def shop_buy(request: StudioRequest, package_id: int) -> str | HttpResponse:
    sale = services.package_purchase(actor=request.user, client_id=request.user.id, package_id=package_id)
    if sale.invoice.status == Invoice.Status.PAID:
        return _("Done: it is in your wallet.")
    return HttpResponseRedirect(reverse("portal:wallet") + f"#invoice-{sale.invoice.pk}")


def _payment_rows(payments: Iterable[Payment]) -> list[dict[str, Any]]:
    return [
        {"p": p, "amount": _money(p.amount, p.currency), "refunded": _money(p.amount_refunded, p.currency)}
        for p in payments
    ]


def _wallet_context(client: User) -> dict[str, Any]:
    now = timezone.now()
    usable = list(selectors.live_packs(client_id=client.pk, now=now))
    memberships = []
    for membership in selectors.client_memberships(client=client):
        terms = (
            services.subscription_cancel_preview(subscription=membership)
            if membership.status in ClientSubscription.LIVE and membership.cancel_at is None
            else None
        )
        memberships.append(
            {
                "m": membership,
                "price": _money(membership.price_amount, membership.currency),
                "terms": terms,
                "owed": _money(terms.remaining_amount, terms.currency) if terms else "",
            }
        )
    invoices = [
        {
            "invoice": i,
            "total": _money(i.total_amount, i.currency),
            "due": _money(i.amount_due, i.currency),
            "due_input": input_money(i.amount_due, i.currency),  # the desk's amount field, typed as money
        }
        for i in selectors.invoice_list(client=client)[:50]
    ]
    fees = [{"fee": f, "amount": _money(f.amount, f.currency)} for f in selectors.fee_list(client=client)[:20]]
    return {
        "client": client,
        "credits": sum(p.credits_remaining for p in usable),
        "packs": selectors.client_packs(client=client)[:20],
        "memberships": memberships,
        "invoices": invoices,
        "fees": fees,
        "strikes": selectors.strike_status(client_id=client.pk, now=now),
        "cards": saved_card_list(client=client),
        "payments": _payment_rows(selectors.payment_list(client=client)[:20]),
    }


@login_required
def wallet(request: StudioRequest) -> HttpResponse:
    return render(request, "portal/commerce/wallet.html", _wallet_context(request.user))


@_acting("portal:wallet")
def invoice_pay(request: StudioRequest, invoice_id: int) -> str | HttpResponse:
    """Card payment through Stripe Checkout on the studio's account (billing plumbing)."""
    from billing.payments.services.cards import payment_checkout_start

    base = request.build_absolute_uri(reverse("portal:wallet"))
    payment = payment_checkout_start(
        actor=request.user,
        invoice_id=invoice_id,
        success_url=f"{base}?paid={invoice_id}",
        cancel_url=base,
        save_card=request.POST.get("save_card") == "1",
    )
    # A page that moves on by itself (and a link), not a redirect: the CSP's form-action keeps forms
    # posting to ourselves, and a browser applies it to the redirect after a form's POST too.
    return render(request, "portal/commerce/to_checkout.html", {"url": payment.checkout_url})


@_acting("portal:wallet")
def card_remove(request: StudioRequest, card_id: int) -> str:
    """The client removes their card on file (staff do it from the sales desk)."""
    card = saved_card_remove(actor=request.user, card_id=card_id)
    return _("The card ending %(last4)s was removed; it will not be charged again.") % {"last4": card.last4}


@_acting("portal:wallet")
def membership_cancel(request: StudioRequest, membership_id: int) -> str:
    services.subscription_cancel_at_period_end(actor=request.user, subscription_id=membership_id)
    return _("Your membership will end as shown.")


class PauseForm(forms.Form):
    starts_on = forms.DateField()
    ends_on = forms.DateField()


@_acting("portal:wallet")
def membership_pause(request: StudioRequest, membership_id: int) -> str:
    from datetime import datetime, time

    from core.studio_time import studio_zone

    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose both dates of the freeze."))
        return ""
    zone = studio_zone()
    services.subscription_pause(
        actor=request.user,
        subscription_id=membership_id,
        starts_at=datetime.combine(form.cleaned_data["starts_on"], time(0), zone),
        ends_at=datetime.combine(form.cleaned_data["ends_on"], time(0), zone),
    )
    return _("Your membership is frozen for those dates; its renewal moves with them.")


# --- Staff: sales desk -----------------------------------------------------------------------------------


def _staff(request: StudioRequest) -> None:
    if not can(request.user, "commerce.view_all"):
        raise Http404


@login_required
def sales_desk(request: StudioRequest) -> HttpResponse:
    _staff(request)
    client = None
    client_id = id_param(request.GET.get("client"))
    if client_id:
        client = found(client_in_scope, actor=request.user, client_id=client_id, action="commerce.view_all")
    seen = clients_visible_to(request.user, include_archived=True)  # a trainer's own clients; every one for managers
    clients = seen.filter(is_active=True).order_by("first_name", "last_name")[:500]
    overdue_rows = selectors.overdue_invoices(viewer=request.user)[:50]
    overdue = [{"invoice": i, "due": _money(i.amount_due, i.currency)} for i in overdue_rows]
    context = {
        "clients": clients,
        "client": client,
        "packages": selectors.package_list(),
        "overdue": overdue,
        "recent_payments": [] if client else _payment_rows(selectors.payment_list(viewer=request.user)[:30]),
        "methods": [("cash", _("Cash")), ("bank_transfer", _("Bank transfer")), ("other", _("Other"))],
        **(_wallet_context(client) if client else {}),
    }
    return render(request, "portal/commerce/sales_desk.html", context)


def _desk(client_id: int | None) -> str:
    return reverse("portal:sales_desk") + (f"?client={client_id}" if client_id else "")


@_acting("portal:sales_desk")
def desk_sell(request: StudioRequest) -> str:
    client_id, package_id = id_param(request.POST.get("client")), id_param(request.POST.get("package"))
    if not (client_id and package_id):
        messages.error(request, _("Choose a client and a package."))
        return ""
    sale = services.package_purchase(actor=request.user, client_id=client_id, package_id=package_id)
    return _("Sold: invoice %(number)s is open for %(amount)s.") % {
        "number": sale.invoice.number,
        "amount": _money(sale.invoice.amount_due, sale.invoice.currency),
    }


@_acting("portal:sales_desk")
def desk_payment(request: StudioRequest, invoice_id: int) -> str:
    amount = parse_money(request.POST.get("amount"), request.tenant.currency)
    payment = services.payment_record_manual(
        actor=request.user,
        invoice_id=invoice_id,
        amount=amount,
        method=request.POST.get("method", ""),
        reference=request.POST.get("reference", ""),
    )
    return _("Recorded %(amount)s.") % {"amount": _money(payment.amount, payment.currency)}


@_acting("portal:sales_desk")
def desk_refund(request: StudioRequest, payment_id: int) -> str:
    typed = (request.POST.get("amount") or "").strip()
    amount = parse_money(typed, request.tenant.currency) if typed else None  # empty: all that is left
    refund = services.payment_refund(
        actor=request.user, payment_id=payment_id, amount=amount, reason=request.POST.get("reason", "")
    )
    return _("Refunded %(amount)s.") % {"amount": _money(refund.amount, refund.payment.currency)}


@_acting("portal:sales_desk")
def desk_waive(request: StudioRequest, fee_id: int) -> str:
    services.fee_waive(actor=request.user, fee_id=fee_id)
    return _("Fee waived.")


@_acting("portal:sales_desk")
def desk_forgive(request: StudioRequest, client_id: int) -> str:
    count = services.strikes_forgive(actor=request.user, client_id=client_id)
    return _("%(n)d strikes forgiven.") % {"n": count}


# --- Owner: billing settings ---------------------------------------------------------------------------


class PolicyForm(forms.ModelForm):
    class Meta:
        from billing.payments.models import CommercePolicy

        model = CommercePolicy
        fields = list(EDITABLE)


@login_required
def billing_settings(request: StudioRequest) -> HttpResponse:
    if not can(request.user, "commerce.manage_policy"):
        raise Http404
    policy = selectors.policy_get()
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            commerce_policy_update(actor=request.user, **{name: form.cleaned_data[name] for name in EDITABLE})
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Billing settings saved."))
            return HttpResponseRedirect(reverse("portal:billing_settings"))
    return render(request, "portal/commerce/settings.html", {"form": form})
