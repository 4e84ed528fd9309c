"""Trainer pages for clients: the list and one client's page (profile, health, goals, assessments, programs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.pagination import paginate_cursor
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.models import User
from core.permissions import can, is_client
from domain.clients import selectors, services
from domain.clients.models import ClientStatus
from domain.programs.selectors import program_list_for_client, template_list
from domain.progress.selectors import display_unit_system
from domain.progress.units import unit_display
from portal.forms import AssessmentForm, ClientAddForm, ClientProfileForm, ContactForm, GoalForm, HealthHistoryForm
from portal.views.common import form_saved, found
from tenants.http import StudioRequest

PAGE_SIZE = 50


@page_requires("clients.view")
def client_list(request: StudioRequest) -> HttpResponse:
    actor: User = request.user
    if is_client(actor):
        return redirect("portal:my_program")
    form = ClientAddForm(request.POST or None)
    if request.method == "POST":
        client = form_saved(
            request, form, lambda: services.client_create(actor=actor, **form.cleaned_data), _("The client was added.")
        )
        if client is not None:
            return redirect("portal:client_detail", client_id=client.pk)
    status = request.GET.get("status") or None
    clients = selectors.client_list(actor=actor, search=request.GET.get("q"), status=status)
    page = paginate_cursor(
        clients, cursor=request.GET.get("cursor"), limit=PAGE_SIZE, order=("first_name", "last_name", "id")
    )
    return render(
        request,
        "portal/clients/list.html",
        {
            "page": page,
            "form": form,
            "q": request.GET.get("q", ""),
            "status": status or "",
            "statuses": ClientStatus.choices,
            "can_create": can(actor, "clients.create"),
            "can_see_archived": can(actor, "clients.restore") or can(actor, "clients.archive"),
        },
        status=400 if form.errors else 200,
    )


def _assessments_shown(viewer: User, client: User) -> list[Any]:
    """The client's assessments, each measurement with `shown`: its value in the viewer's units."""
    system = display_unit_system(viewer=viewer, client_id=client.pk)
    assessments = list(selectors.assessment_list(client=client))
    for assessment in assessments:
        for measurement in assessment.measurements.all():
            measurement.shown = unit_display(measurement.value, measurement.unit, system)  # type: ignore[attr-defined]  # for the page
    return assessments


def _page(request: StudioRequest, client: User, *, status: int = 200, **bound: forms.Form) -> HttpResponse:
    """The client page, with any bound (invalid) form in place of its blank one."""
    actor: User = request.user
    private = can(actor, "clients.view_private_notes")
    profile = getattr(client, "client_profile", None)
    history = selectors.health_history_get(client=client)
    initial_profile = (
        {
            **{
                f: getattr(profile, f)
                for f in ("date_of_birth", "sex", "height_cm", "unit_preference", "trainer_notes")
            },
            "tags": ", ".join(profile.tags),
        }
        if profile
        else {}
    )
    context: dict[str, Any] = {
        "client": client,
        "profile": profile,
        "private": private,
        "history": history,
        "goals": selectors.goal_list(client=client),
        "assessments": _assessments_shown(actor, client),
        "contacts": selectors.emergency_contact_list(client=client),
        "programs": program_list_for_client(client=client),
        "templates": template_list() if can(actor, "programs.assign") else [],
        "profile_form": ClientProfileForm(initial=initial_profile, private=private),
        "health_form": HealthHistoryForm(initial=HealthHistoryForm.initial_from(history)),
        "goal_form": GoalForm(),
        "assessment_form": AssessmentForm() if can(actor, "clients.record_assessment") else None,
        "contact_form": ContactForm(),
        "can_archive": can(actor, "clients.archive"),
        "can_restore": can(actor, "clients.restore"),
        "archived": profile is not None and profile.status == ClientStatus.ARCHIVED,
    }
    context.update(bound)
    return render(request, "portal/clients/detail.html", context, status=status)


def _client(request: StudioRequest, client_id: int, action: str = "clients.view", **options: Any) -> User:
    """The client of the page, if the person may do `action` on them (else 404 or 403, from the selector)."""
    return found(
        selectors.client_in_scope, actor=request.user, client_id=client_id, action=action, loaded=True, **options
    )


@page_requires("clients.view")
def client_detail(request: StudioRequest, client_id: int) -> HttpResponse:
    return _page(request, _client(request, client_id))


def _post(
    request: StudioRequest,
    client_id: int,
    *,
    action: str,
    form_class: Callable[..., forms.Form],
    form_name: str,
    save: Callable[[User, Any], object],
    done: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """One pattern for every form of the client page: check, validate, call the service, or show errors."""
    client = _client(request, client_id, action)
    form = form_class(request.POST, **(form_kwargs or {}))
    if form_saved(request, form, lambda: save(client, form), done) is not None:
        return redirect("portal:client_detail", client_id=client.pk)
    return _page(request, client, status=400, **{form_name: form})


@require_POST
@page_requires("clients.update_profile")
def client_profile(request: StudioRequest, client_id: int) -> HttpResponse:
    private = can(request.user, "clients.view_private_notes")
    return _post(
        request,
        client_id,
        action="clients.update_profile",
        form_class=ClientProfileForm,
        form_name="profile_form",
        form_kwargs={"private": private},
        save=lambda client, form: services.client_profile_update(
            actor=request.user, client_id=client.pk, data=form.profile_data(), private_fields=private
        ),
        done=_("Profile saved."),
    )


@require_POST
@page_requires("clients.update_health")
def client_health(request: StudioRequest, client_id: int) -> HttpResponse:
    return _post(
        request,
        client_id,
        action="clients.update_health",
        form_class=HealthHistoryForm,
        form_name="health_form",
        save=lambda client, form: services.health_history_update(
            actor=request.user, client_id=client.pk, data=form.health_data()
        ),
        done=_("Health history saved."),
    )


@require_POST
@page_requires("clients.manage_goals")
def client_goal_add(request: StudioRequest, client_id: int) -> HttpResponse:
    return _post(
        request,
        client_id,
        action="clients.manage_goals",
        form_class=GoalForm,
        form_name="goal_form",
        save=lambda client, form: services.goal_create(
            actor=request.user, client_id=client.pk, data=services.GoalData(**form.cleaned_data)
        ),
        done=_("Goal added."),
    )


@require_POST
@page_requires("clients.record_assessment")
def client_assessment_add(request: StudioRequest, client_id: int) -> HttpResponse:
    return _post(
        request,
        client_id,
        action="clients.record_assessment",
        form_class=AssessmentForm,
        form_name="assessment_form",
        save=lambda client, form: services.assessment_create(
            actor=request.user,
            client_id=client.pk,
            assessed_on=form.cleaned_data["assessed_on"],
            notes=form.cleaned_data["notes"],
            measurements=form.measurements(),
        ),
        done=_("Assessment recorded."),
    )


@require_POST
@page_requires("clients.manage_contacts")
def client_contact_add(request: StudioRequest, client_id: int) -> HttpResponse:
    return _post(
        request,
        client_id,
        action="clients.manage_contacts",
        form_class=ContactForm,
        form_name="contact_form",
        save=lambda client, form: services.emergency_contact_create(
            actor=request.user, client_id=client.pk, data=services.ContactData(**form.cleaned_data)
        ),
        done=_("Emergency contact added."),
    )


@require_POST
@page_requires("clients.update")
def client_access_link(request: StudioRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id, "clients.update")
    try:
        services.client_access_link_send(actor=request.user, client_id=client.pk, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A sign-in link is on its way to %(email)s.") % {"email": client.email})
    return redirect("portal:client_detail", client_id=client.pk)


@require_POST
@page_requires("clients.archive")
def client_archive(request: StudioRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id, "clients.archive")
    services.client_archive(actor=request.user, client_id=client.pk)
    messages.success(request, _("%(name)s was archived. The owner can restore them.") % {"name": client.full_name})
    return redirect("portal:client_list")


@require_POST
@page_requires("clients.restore")
def client_restore(request: StudioRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id, "clients.restore", include_archived=True)
    try:
        services.client_restore(actor=request.user, client_id=client.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was restored.") % {"name": client.full_name})
    return redirect("portal:client_detail", client_id=client.pk)
