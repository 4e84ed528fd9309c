"""A client rates what they attended (1-5) and answers the monthly "would you recommend us" (0-10)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, PermissionDeniedError
from core.http import AuthedRequest
from domain.analytics import selectors, services


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1  # out of every range: the service explains


@login_required
def my_ratings(request: AuthedRequest) -> HttpResponse:
    try:
        items, nps_open = selectors.rateable_for(actor=request.user, now=timezone.now())
    except PermissionDeniedError as exc:
        raise Http404(exc.message) from exc
    context = {"items": items, "nps_open": nps_open, "scores": range(1, 6), "nps_scores": range(0, 11)}
    return render(request, "portal/analytics/ratings.html", context)


@login_required
@require_POST
def rate(request: AuthedRequest) -> HttpResponse:
    kind, target = request.POST.get("kind"), _number(request.POST.get("id"))
    try:
        services.session_rate(
            actor=request.user,
            score=_number(request.POST.get("score")),
            appointment_id=target if kind == "appointment" else None,
            participant_id=target if kind == "participant" else None,
            comment=request.POST.get("comment", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your rating."))
    return HttpResponseRedirect(reverse("portal:my_ratings"))


@login_required
@require_POST
def nps(request: AuthedRequest) -> HttpResponse:
    try:
        services.nps_answer(
            actor=request.user, score=_number(request.POST.get("score")), comment=request.POST.get("comment", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your answer."))
    return HttpResponseRedirect(reverse("portal:my_ratings"))
