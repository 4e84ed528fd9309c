"""The studio's settings page (owner): everything about the studio in one place, linking to the parts that
have their own pages (branding, billing and invoice details, booking rules, privacy)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import client_ip
from domain.scheduling.selectors import policy_get as scheduling_policy_get
from portal.forms_settings import StudioSettingsForm
from tenants.http import StudioRequest
from tenants.studio_settings import studio_settings_get, studio_settings_update


@page_requires("studio.update_settings")
@require_http_methods(["GET", "POST"])
def studio_settings(request: StudioRequest) -> HttpResponse:
    current = studio_settings_get(actor=request.user, studio=request.tenant)
    form = StudioSettingsForm(request.POST or None, studio=current.studio, currency_locked=current.currency_locked)
    if request.method == "POST" and form.is_valid():
        try:
            studio_settings_update(
                actor=request.user, studio=request.tenant, ip=client_ip(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Settings saved. Every page and email follows them from now on."))
            return redirect("portal:studio_settings")
    context = {
        "form": form,
        "current": current,
        "scheduling_policy": scheduling_policy_get(),
    }
    return render(request, "portal/settings/studio.html", context)
