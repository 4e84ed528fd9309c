"""The People page (owners and managers): everyone at the studio, invitations, self sign-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import invitations
from core.accounts.adapter import site_url
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import client_ip
from core.models import Invitation, User
from core.people import people_export_csv, person_active_set, person_role_change
from core.permissions import STUDIO_ROLES, can
from portal.forms import InvitationForm, SignupPolicyForm
from tenants.http import StudioRequest
from tenants.services import studio_client_signup_set


def _invitable_roles(user: User) -> list[tuple[str, str]]:
    return [
        (role.value, str(role.label))
        for role in Invitation.INVITABLE_ROLES
        if can(user, invitations.invite_action(role))
    ]


def _page(request: StudioRequest, form: InvitationForm, *, status: int = 200) -> HttpResponse:
    studio = request.tenant
    return render(
        request,
        "portal/people.html",
        {
            "people": invitations.person_list(),
            "invitations": invitations.invitation_list(pending_only=True),
            "form": form,
            "policy_form": SignupPolicyForm(initial={"allow_client_signup": studio.allow_client_signup}),
            "can_change_policy": can(request.user, "studio.update_signup_policy"),
            "can_change_roles": can(request.user, "people.change_role"),
            "can_deactivate": can(request.user, "people.deactivate"),
            "can_export": can(request.user, "data.export"),
            "studio_roles": [(role.value, role.label) for role in STUDIO_ROLES],
        },
        status=status,
    )


def _accept_link(request: HttpRequest) -> invitations.AcceptLink:
    base = site_url(request).rstrip("/")
    return lambda token: base + reverse("portal:invitation_accept", kwargs={"token": token})


@page_requires("people.manage")
def people(request: StudioRequest) -> HttpResponse:
    roles = _invitable_roles(request.user)
    if request.method != "POST":
        return _page(request, InvitationForm(roles=roles, initial={"role": request.GET.get("role", "")}))
    form = InvitationForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(
                invited_by=request.user,
                base_url=site_url(request),
                accept_link=_accept_link(request),
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("portal:people")
    return _page(request, form, status=400)


def _invitation_action(request: HttpRequest, done: str, action: Callable[[], Any]) -> HttpResponse:
    try:
        invitation = action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("portal:people")


@require_POST
@page_requires("people.manage")
def invitation_resend(request: StudioRequest, invitation_id: int) -> HttpResponse:
    return _invitation_action(
        request,
        _("A new invitation link was sent to %(email)s; the previous link no longer works."),
        lambda: invitations.invitation_resend(
            invitation_id=invitation_id,
            actor=request.user,
            base_url=site_url(request),
            accept_link=_accept_link(request),
            ip=client_ip(request),
        ),
    )


@require_POST
@page_requires("people.manage")
def invitation_revoke(request: StudioRequest, invitation_id: int) -> HttpResponse:
    return _invitation_action(
        request,
        _("The invitation to %(email)s was withdrawn."),
        lambda: invitations.invitation_revoke(invitation_id=invitation_id, actor=request.user, ip=client_ip(request)),
    )


@require_POST
@page_requires("studio.update_signup_policy")
def signup_policy(request: StudioRequest) -> HttpResponse:
    form = SignupPolicyForm(request.POST)
    form.is_valid()  # a single optional checkbox cannot be invalid
    allowed = bool(form.cleaned_data.get("allow_client_signup"))
    studio_client_signup_set(
        studio=request.tenant,
        allowed=allowed,
        actor=request.user,
        ip=client_ip(request),
    )
    messages.success(
        request,
        _("Clients can now sign themselves up.") if allowed else _("Client sign-up is closed; invite clients instead."),
    )
    return redirect("portal:people")


def _person_change(request: HttpRequest, change: Callable[[], Any], done: str) -> HttpResponse:
    try:
        person = change()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"name": person.full_name})
    return redirect("portal:people")


@require_POST
@page_requires("people.change_role")
def person_role(request: StudioRequest, person_id: int) -> HttpResponse:
    return _person_change(
        request,
        lambda: person_role_change(
            actor=request.user,
            person_id=person_id,
            role=request.POST.get("role", ""),
            ip=client_ip(request),
        ),
        _("%(name)s's role is changed."),
    )


@require_POST
@page_requires("people.deactivate")
def person_active(request: StudioRequest, person_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _person_change(
        request,
        lambda: person_active_set(
            actor=request.user,
            person_id=person_id,
            active=active,
            ip=client_ip(request),
        ),
        _("%(name)s can sign in again.") if active else _("%(name)s is deactivated and signed out everywhere."),
    )


@page_requires("data.export")
def people_export(request: StudioRequest) -> HttpResponse:
    content = people_export_csv(actor=request.user, ip=client_ip(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response
