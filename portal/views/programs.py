"""Program pages: templates and the builder, the assign dialog, a program's page, and the client's own views."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.pagination import paginate_cursor
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.forms import form_add_service_errors
from core.http import id_param
from core.models import User
from core.permissions import can, require
from core.studio_time import studio_today
from domain.clients.selectors import client_in_scope, client_list
from domain.library.vocabulary import Difficulty
from domain.programs import selectors, services
from domain.programs.models import ClientProgram, LoadType, ProgramGoal, ProgramStatus
from portal.forms import AssignForm, NewTemplateForm, ProgressForm, RuleForm
from portal.views.common import form_saved, found
from tenants.http import StudioRequest


@page_requires("programs.view_templates")
def template_list(request: StudioRequest) -> HttpResponse:
    form = NewTemplateForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "programs.manage_templates")
        template = form_saved(
            request,
            form,
            lambda: services.template_create(actor=request.user, data=services.TemplateData(**form.cleaned_data)),
            _("Template created: add its phases and workouts."),
        )
        if template is not None:
            return redirect("portal:template_builder", template_id=template.pk)
    templates = selectors.template_list(search=request.GET.get("q"))
    page = paginate_cursor(templates, cursor=request.GET.get("cursor"), limit=50, order=("name", "id"))
    return render(
        request,
        "portal/programs/templates.html",
        {"page": page, "form": form, "q": request.GET.get("q", "")},
        status=400 if form.errors else 200,
    )


def _builder_labels() -> dict[str, object]:
    """Everything the builder's script shows, translated here (no JavaScript catalog needed)."""
    return {
        "goals": ProgramGoal.choices,
        "levels": Difficulty.choices,
        "load_types": LoadType.choices,
        "text": {
            "name": _("Name"),
            "goal": _("Goal"),
            "level": _("Level"),
            "description": _("Description"),
            "phase": _("Phase"),
            "weeks": _("Weeks"),
            "focus": _("Focus"),
            "workout": _("Workout"),
            "day": _("Day"),
            "exercise": _("Exercise"),
            "sets": _("Sets"),
            "reps_min": _("Reps from"),
            "reps_max": _("to"),
            "duration": _("or seconds"),
            "load_type": _("Load as"),
            "load": _("Load"),
            "tempo": _("Tempo"),
            "rest": _("Rest (s)"),
            "superset": _("Superset"),
            "notes": _("Notes"),
            "add_phase": _("Add phase"),
            "add_workout": _("Add workout"),
            "add_exercise": _("Add exercise"),
            "remove": _("Remove"),
            "up": _("Move up"),
            "down": _("Move down"),
            "saved": _("Saved."),
            "save_failed": _("Not saved: fix the fields marked in red."),
            "unknown_exercise": _("Pick an exercise from the library list."),
            "no_increase": _("No automatic load increase for this exercise"),
            "increase_kg": _("Own increase (kg)"),
            "rules": _("Progression rules (dynamic programs)"),
            "rule_increase": _("When every set reaches the top of the range, add (kg / % of 1RM)"),
            "rule_deload": _("After this many missed sessions in a row, reduce the load by (%)"),
            "enabled": _("On"),
        },
    }


@page_requires("programs.manage_templates")
def template_builder(request: StudioRequest, template_id: int) -> HttpResponse:
    template = found(selectors.template_get, template_id=template_id)
    return render(request, "portal/programs/builder.html", {"template": template, "labels": _builder_labels()})


@require_POST
@page_requires("programs.manage_templates")
def template_copy(request: StudioRequest, template_id: int) -> HttpResponse:
    copy = services.template_copy(template_id=template_id, actor=request.user)
    messages.success(request, _("Copied. You are editing the copy."))
    return redirect("portal:template_builder", template_id=copy.pk)


@page_requires("programs.assign")
def template_assign(request: StudioRequest, template_id: int) -> HttpResponse:
    """The assign dialog: pick a client, see what their health history warns about, confirm."""
    actor: User = request.user
    template = found(selectors.template_get, template_id=template_id)
    clients = [(c.pk, c.full_name) for c in client_list(actor=actor).order_by("first_name", "last_name", "id")]
    chosen = request.GET.get("client_id") or request.GET.get("client") or ""
    previewed = request.method == "GET" and "client_id" in request.GET and id_param(chosen) is not None
    warnings: list[dict[str, object]] = []
    if previewed:
        client = found(client_in_scope, actor=actor, client_id=int(chosen), action="programs.assign")
        warnings = [
            w.as_dict() for w in selectors.template_contraindications(template_id=template.pk, client_id=client.pk)
        ]
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        clients=clients,
        initial={"client_id": chosen, "start_date": studio_today()},
    )
    if request.method == "POST" and form.is_valid():  # the choices are the actor's clients; the service checks too
        client_id = form.cleaned_data["client_id"]
        try:
            result = services.template_assign(
                template_id=template.pk,
                client_id=client_id,
                actor=actor,
                assignment_type=form.cleaned_data["assignment_type"],
                start_date=form.cleaned_data["start_date"],
            )
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            names = {"program": template.name, "client": dict(clients)[client_id]}
            messages.success(request, _("%(program)s assigned to %(client)s.") % names)
            if result.warnings:
                messages.warning(request, _("Check the contraindication warnings on the program page."))
            return redirect("portal:program_detail", program_id=result.program.pk)
    return render(
        request,
        "portal/programs/assign.html",
        {
            "template": template,
            "form": form,
            "warnings": [{**w, "message": selectors.warning_message(w)} for w in warnings],
            "previewed": previewed,
        },
        status=400 if request.method == "POST" else 200,
    )


def _program_page(request: HttpRequest, program: ClientProgram, *, status: int = 200, **bound: object) -> HttpResponse:
    detail = selectors.program_detail(program=program)
    slots = [(s.pk, f"{s.exercise.name} · {_('phase')} {s.phase_position}") for s in detail.exercises.all()]
    staff = can(request.user, "programs.update")
    context = {
        "program": detail,
        "warnings": [{**w, "message": selectors.warning_message(w)} for w in detail.warnings],
        "week": selectors.program_current_week(program=detail),
        "staff": staff,
        "progress_form": ProgressForm(
            initial={
                "current_phase": detail.current_phase,
                "current_week": detail.current_week,
                "status": detail.status,
            }
        )
        if staff
        else None,
        "rule_form": RuleForm(slots=slots) if staff else None,
        "slot_names": dict(slots),
        "today": studio_today(),
    }
    context.update(bound)
    return render(request, "portal/programs/program.html", context, status=status)


def _program(request: HttpRequest, program_id: int) -> ClientProgram:
    return found(selectors.program_get, actor=request.user, program_id=program_id)


@page_requires("programs.view")
def program_detail(request: StudioRequest, program_id: int) -> HttpResponse:
    return _program_page(request, _program(request, program_id))


@require_POST
@page_requires("programs.update")
def program_progress(request: StudioRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    form = ProgressForm(request.POST)

    def save() -> object:
        return services.client_program_update(actor=request.user, client_program_id=program.pk, **form.cleaned_data)

    if form_saved(request, form, save, _("Program updated.")) is not None:
        return redirect("portal:program_detail", program_id=program.pk)
    return _program_page(request, program, status=400, progress_form=form)


@require_POST
@page_requires("programs.update")
def program_rule(request: StudioRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id)
    slots = [(s.pk, s.exercise.name) for s in program.exercises.select_related("exercise")]
    form = RuleForm(request.POST, slots=slots)

    def save() -> object:
        return services.program_rule_set(
            actor=request.user,
            client_program_id=program.pk,
            program_exercise_id=form.cleaned_data["program_exercise_id"],
            data=form.rule_data(),
        )

    if form_saved(request, form, save, _("Rule saved.")) is not None:
        return redirect("portal:program_detail", program_id=program.pk)
    return _program_page(request, program, status=400, rule_form=form)


@require_POST
@page_requires("programs.update")
def program_rule_delete(request: StudioRequest, program_id: int, rule_id: int) -> HttpResponse:
    program = _program(request, program_id)
    try:
        services.program_rule_delete(actor=request.user, client_program_id=program.pk, rule_id=rule_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rule removed."))
    return redirect("portal:program_detail", program_id=program.pk)


@page_requires("programs.view")
def my_program(request: StudioRequest) -> HttpResponse:
    """The client's program and this week's workouts (staff land on their client list instead)."""
    if can(request.user, "programs.view_templates"):
        return redirect("portal:client_list")
    programs = list(selectors.program_list_for_client(client=request.user, status=ProgramStatus.ACTIVE))
    current = selectors.program_detail(program=programs[0]) if programs else None
    return render(
        request,
        "portal/programs/my_program.html",
        {
            "program": current,
            "others": programs[1:],
            "week": selectors.program_current_week(program=current) if current else [],
            "today": studio_today(),
        },
    )


@page_requires("programs.view")
def today(request: StudioRequest) -> HttpResponse:
    """Today's workout (studio date), ready to follow on a phone."""
    sessions = selectors.workouts_today(client=request.user)
    return render(request, "portal/programs/today.html", {"sessions": sessions, "today": studio_today()})
