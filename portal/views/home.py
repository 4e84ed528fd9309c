from django.http import HttpResponse
from django.shortcuts import render

from tenants.http import TenantRequest


def home(request: TenantRequest) -> HttpResponse:
    """The studio's front page; the signed-in portal grows from here."""
    return render(request, "portal/home.html", {"studio": request.tenant})
