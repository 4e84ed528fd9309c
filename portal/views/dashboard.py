"""Placeholder signed-in studio page; the accounts work replaces it and keeps the onboarding block."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dashboard.html", {"studio": request.tenant})  # type: ignore[attr-defined]
