"""Platform plans in the console (platform staff): list, create, and give a plan a new price.

A price is never edited in place: a new one replaces it for new studios and existing studios keep theirs.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from billing.platform.models import Plan, PlanPrice
from billing.platform.services import plan_create, plan_price_create
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import AuthedRequest

LOGIN = "admin:login"


class PlanForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    client_limit = forms.IntegerField(
        label=gettext_lazy("Active client limit (empty: unlimited)"), min_value=1, required=False
    )
    platform_fee_bps = forms.IntegerField(
        label=gettext_lazy("Platform fee (basis points, 250 = 2.5 %)"), min_value=0, max_value=10000
    )
    trial_days = forms.IntegerField(label=gettext_lazy("Trial days"), min_value=0, max_value=365, initial=14)
    monthly_amount = forms.IntegerField(label=gettext_lazy("Monthly price (minor units)"), min_value=1)
    annual_amount = forms.IntegerField(label=gettext_lazy("Annual price (minor units)"), min_value=1)
    currency = forms.CharField(label=gettext_lazy("Currency"), min_length=3, max_length=3, initial="GBP")
    rank = forms.IntegerField(label=gettext_lazy("Rank (bigger plans higher)"), min_value=0, initial=0)


class PriceForm(forms.Form):
    interval = forms.ChoiceField(label=gettext_lazy("Interval"), choices=PlanPrice.Interval.choices)
    amount = forms.IntegerField(label=gettext_lazy("New price (minor units)"), min_value=1)
    currency = forms.CharField(label=gettext_lazy("Currency"), min_length=3, max_length=3)


@page_requires("platform.manage_plans", login_url=LOGIN)
@require_http_methods(["GET", "POST"])
def plans(request: AuthedRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
            return redirect("console:plans")
    rows = Plan.objects.prefetch_related("prices").order_by("rank", "code")
    return render(request, "public/console/plans.html", {"plans": rows, "form": form, "price_form": PriceForm()})


@page_requires("platform.manage_plans", login_url=LOGIN)
@require_POST
def plan_price(request: AuthedRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(Plan, code=code)
    form = PriceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an interval, an amount and a currency."))
        return redirect("console:plans")
    try:
        plan_price_create(plan=plan, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("New price saved; studios on the old price keep it."))
    return redirect("console:plans")
