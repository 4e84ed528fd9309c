"""A person's own preferences page, and the language switcher every page carries."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import client_ip
from core.permissions import can, is_client
from core.preferences import preferences_of, preferences_update
from domain.clients.preferences import my_preferences, my_preferences_update
from portal.forms_settings import LanguageForm, PreferencesForm
from tenants.http import StudioRequest

# Optional pages of other areas a preferences page links to when they exist (messaging's notification
# settings land separately); resolved by name, so nothing breaks while they do not.
NOTIFICATION_SETTINGS_URL = "portal:notification_settings"


@page_requires("preferences.update")
@require_http_methods(["GET", "POST"])
def preferences(request: StudioRequest) -> HttpResponse:
    current = my_preferences(person=request.user)
    form = PreferencesForm(request.POST or None, initial=asdict(current), studio=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            saved = my_preferences_update(actor=request.user, ip=client_ip(request), **form.cleaned_data)
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            if saved.language:
                translation.activate(saved.language)
            messages.success(request, _("Your preferences are saved."))
            return redirect("portal:preferences")
    context = {
        "form": form,
        "notification_url": _optional_url(NOTIFICATION_SETTINGS_URL),
        "show_my_data": is_client(request.user),
    }
    return render(request, "portal/settings/preferences.html", context)


def _optional_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher: remember the language in a cookie (and, signed in, in the person's preferences)."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    user = request.user
    if can(user, "preferences.update"):
        current = preferences_of(user)
        preferences_update(
            actor=user,  # type: ignore[arg-type]  # can() above: a signed-in person of this studio
            language=language,
            timezone=current.timezone,
            week_start=current.week_start,
            units=current.units,
            ip=client_ip(request),
        )
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
