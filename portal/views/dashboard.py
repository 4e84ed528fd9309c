from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from core.permissions import can
from tenants.http import StudioRequest


@login_required
def dashboard(request: StudioRequest) -> HttpResponse:
    """Where a person lands after signing in: who they are here, and where they can go."""
    user = request.user
    verified = EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email, verified=True).exists()
    return render(
        request,
        "portal/dashboard.html",
        {
            "studio": request.tenant,
            "can_manage_people": can(user, "people.manage"),
            "can_edit_settings": can(user, "studio.update_settings"),
            "can_view_analytics": can(user, "analytics.view"),
            "can_rate": can(user, "analytics.rate"),
            "email_verified": verified,
        },
    )
