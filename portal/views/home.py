from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The studio's front page; the signed-in portal grows from here."""
    return render(request, "portal/home.html", {"studio": request.tenant})  # type: ignore[attr-defined]
