"""The platform console on the public host: platform staff find, inspect, suspend and reactivate studios."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from billing.platform.metrics import StudioBilling, platform_metrics, studios_billing
from billing.platform.models import PlatformInvoice, StudioSubscription
from billing.platform.selectors import studio_invoices, studio_subscription
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.http import AuthedRequest, client_ip
from tenants.hosts import studio_url
from tenants.lifecycle import retention_ends, studio_close, studio_reopen
from tenants.models import Studio
from tenants.observability import StudioHealth, studio_media_bytes, studios_health
from tenants.selectors import (
    PeopleCounts,
    studio_audit_events,
    studio_list,
    studio_managers,
    studio_people_counts,
)
from tenants.services import studio_reactivate, studio_suspend

PAGE_SIZE = 50
LOGIN = "admin:login"  # platform staff sign in through the admin's login page on the public host


class StudioFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=120)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False, choices=[("", gettext_lazy("Any status")), *Studio.Status.choices]
    )


class StatusChangeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)


def _studios_page(request: AuthedRequest) -> dict[str, Any]:
    """The filter form, the page of studios it selects, and the query string without the page number."""
    form = StudioFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    found = studio_list(search=filters.get("q", ""), status=filters.get("status", ""))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


@page_requires("platform.view_studios", login_url=LOGIN)
@require_GET
def studios(request: AuthedRequest) -> HttpResponse:
    context = _studios_page(request)
    shown = list(context["page"].object_list)
    counts = studio_people_counts(studios=shown)
    billing = studios_billing(studios=shown)
    context["rows"] = [
        (studio, counts.get(studio.pk, PeopleCounts()), billing.get(studio.pk, StudioBilling())) for studio in shown
    ]
    context["metrics"] = platform_metrics()
    context["billing_statuses"] = StudioSubscription.Status.choices
    return render(request, "public/console/studios.html", context)


@page_requires("platform.view_studios", login_url=LOGIN)
@require_GET
def health(request: AuthedRequest) -> HttpResponse:
    """The operator page: each studio's last activity, database size, errors and failed tasks (7 days)."""
    context = _studios_page(request)
    shown = list(context["page"].object_list)
    healths = studios_health(studios=shown)
    context["rows"] = [(studio, healths.get(studio.pk, StudioHealth())) for studio in shown]
    return render(request, "public/console/health.html", context)


@page_requires("platform.view_studios", login_url=LOGIN)
@require_GET
def studio_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    studio = get_object_or_404(Studio.objects.prefetch_related("domains"), slug=slug)
    context = {
        "studio": studio,
        "counts": studio_people_counts(studios=[studio]).get(studio.pk, PeopleCounts()),
        "managers": studio_managers(studio=studio),
        "events": studio_audit_events(studio=studio),
        "studio_url": studio_url(request, studio),
        "form": StatusChangeForm(),
        "subscription": studio_subscription(studio=studio),
        "invoices": studio_invoices(studio=studio)[:24],
        "invoice_statuses": PlatformInvoice.STATUS_LABELS,
        "health": studios_health(studios=[studio]).get(studio.pk, StudioHealth()),
        "media": studio_media_bytes(studio=studio) if studio.status != Studio.Status.PROVISIONING else (0, 0),
        "erase_after": retention_ends(studio),
    }
    return render(request, "public/console/studio_detail.html", context)


# Each status change of the console: (service, what it says when done).
_CHANGES = {
    "suspend": (studio_suspend, gettext_lazy("%(name)s is suspended.")),
    "reactivate": (studio_reactivate, gettext_lazy("%(name)s is active again.")),
    "close": (studio_close, gettext_lazy("%(name)s is closed; its data is kept until %(until)s UTC, then erased.")),
    "reopen": (studio_reopen, gettext_lazy("%(name)s is open again.")),
}


def _status_change(request: AuthedRequest, slug: str, *, change: str) -> HttpResponse:
    studio = get_object_or_404(Studio, slug=slug)
    form = StatusChangeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    service, done = _CHANGES[change]
    try:
        studio = service(studio=studio, actor=request.user, reason=reason, ip=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        ends = retention_ends(studio)
        messages.success(request, str(done) % {"name": studio.name, "until": f"{ends:%Y-%m-%d %H:%M}" if ends else ""})
    return redirect("console:studio", slug=studio.slug)


@page_requires("platform.suspend_studio", login_url=LOGIN)
@require_POST
def suspend(request: AuthedRequest, slug: str) -> HttpResponse:
    return _status_change(request, slug, change="suspend")


@page_requires("platform.suspend_studio", login_url=LOGIN)
@require_POST
def reactivate(request: AuthedRequest, slug: str) -> HttpResponse:
    return _status_change(request, slug, change="reactivate")


@page_requires("platform.close_studio", login_url=LOGIN)
@require_POST
def close(request: AuthedRequest, slug: str) -> HttpResponse:
    """Close the studio: offline at once, its data erased after STUDIO_RETENTION_DAYS (tenants/lifecycle.py)."""
    return _status_change(request, slug, change="close")


@page_requires("platform.close_studio", login_url=LOGIN)
@require_POST
def reopen(request: AuthedRequest, slug: str) -> HttpResponse:
    return _status_change(request, slug, change="reopen")
