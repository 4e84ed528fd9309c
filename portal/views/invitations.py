"""Accepting an invitation: the emailed link opens this page on the studio's host."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core import invitations
from core.exceptions import ApplicationError, NotFoundError
from core.forms import form_add_service_errors
from core.http import client_ip
from core.models import Invitation
from portal.forms import InvitationAcceptForm


def _unavailable(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A clear page for a link that cannot be used: unknown/replaced (404), used/expired/withdrawn (410)."""
    return render(
        request,
        "portal/invitation_unavailable.html",
        {"message": exc.message, "code": exc.code},
        status=exc.status_code,
    )


def _form_page(request: HttpRequest, invitation: Invitation, form: InvitationAcceptForm, status: int) -> HttpResponse:
    return render(request, "portal/invitation_accept.html", {"invitation": invitation, "form": form}, status=status)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.invitation_get_for_token(token=token)
    except (NotFoundError, invitations.InvitationUnavailableError) as exc:
        return _unavailable(request, exc)
    if request.user.is_authenticated:
        # Accepting signs the new person in; never swap someone's session from under them.
        return render(request, "portal/invitation_accept.html", {"invitation": invitation, "signed_in": True})
    if request.method != "POST":
        initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
        return _form_page(request, invitation, InvitationAcceptForm(initial=initial), 200)

    form = InvitationAcceptForm(request.POST)
    if form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                ip=client_ip(request),
            )
        except (NotFoundError, invitations.InvitationUnavailableError) as exc:
            return _unavailable(request, exc)
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            get_adapter(request).login(request, user)
            return redirect("portal:dashboard")
    return _form_page(request, invitation, form, 400)
