"""The exercise library pages: search for everyone on staff; add, edit, copy, hide for those who manage it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.pagination import paginate_cursor
from core.decorators import page_requires
from core.http import id_param
from core.permissions import can
from domain.library import selectors, services
from domain.library.vocabulary import Equipment, Muscle
from portal.forms import ExerciseForm
from portal.views.common import form_saved, found
from tenants.http import StudioRequest

PAGE_SIZE = 40


def _int_or_none(value: str | None) -> int | None:
    return id_param(value)


def _category_choices() -> list[tuple[int, str]]:
    return [(c.pk, "— " * c.depth + c.name) for c in selectors.category_list()]  # type: ignore[attr-defined]  # depth set by selectors.category_list()


@page_requires("library.manage")
def exercise_list(request: StudioRequest) -> HttpResponse:
    params = request.GET
    include_hidden = params.get("hidden") == "1"
    exercises = selectors.exercise_list(
        search=params.get("q"),
        muscle=params.get("muscle") or None,
        equipment=params.get("equipment") or None,
        category_id=_int_or_none(params.get("category")),
        include_hidden=include_hidden,
    )
    page = paginate_cursor(exercises, cursor=params.get("cursor"), limit=PAGE_SIZE, order=("name", "id"))
    return render(
        request,
        "portal/library/list.html",
        {
            "page": page,
            "params": params,
            "muscles": Muscle.choices,
            "equipment": Equipment.choices,
            "categories": _category_choices(),
            "include_hidden": include_hidden,
        },
    )


def _form_page(request: HttpRequest, form: ExerciseForm, exercise: object = None, *, status: int = 200) -> HttpResponse:
    return render(request, "portal/library/form.html", {"form": form, "exercise": exercise}, status=status)


@page_requires("library.manage")
def exercise_add(request: StudioRequest) -> HttpResponse:
    form = ExerciseForm(request.POST or None, categories=_category_choices())
    if request.method == "POST":
        exercise = form_saved(
            request,
            form,
            lambda: services.exercise_create(actor=request.user, data=form.exercise_data()),
            _("The exercise was added to the library."),
        )
        if exercise is not None:
            return redirect("portal:exercise_detail", exercise_id=exercise.pk)
    return _form_page(request, form, status=400 if form.errors else 200)


@page_requires("library.manage")
def exercise_detail(request: StudioRequest, exercise_id: int) -> HttpResponse:
    exercise = found(selectors.exercise_get, exercise_id=exercise_id)
    return render(
        request, "portal/library/detail.html", {"exercise": exercise, "can_manage": can(request.user, "library.manage")}
    )


@page_requires("library.manage")
def exercise_edit(request: StudioRequest, exercise_id: int) -> HttpResponse:
    exercise = found(selectors.exercise_get, exercise_id=exercise_id)
    if exercise.is_starter:
        messages.info(request, _("Starter exercises are read-only: copy it to make your own version."))
        return redirect("portal:exercise_detail", exercise_id=exercise.pk)
    form = ExerciseForm(
        request.POST or None, initial=ExerciseForm.initial_from(exercise), categories=_category_choices()
    )
    if request.method == "POST":
        saved = form_saved(
            request,
            form,
            lambda: services.exercise_update(actor=request.user, exercise_id=exercise.pk, data=form.exercise_data()),
            _("Saved."),
        )
        if saved is not None:
            return redirect("portal:exercise_detail", exercise_id=exercise.pk)
    return _form_page(request, form, exercise, status=400 if form.errors else 200)


@require_POST
@page_requires("library.manage")
def exercise_copy(request: StudioRequest, exercise_id: int) -> HttpResponse:
    copy = services.exercise_copy(exercise_id=exercise_id, actor=request.user, hide_original=True)
    messages.success(request, _("Your own copy is ready to edit; the original is hidden."))
    return redirect("portal:exercise_edit", exercise_id=copy.pk)


@require_POST
@page_requires("library.manage")
def exercise_visibility(request: StudioRequest, exercise_id: int) -> HttpResponse:
    hidden = request.POST.get("hidden") == "1"
    exercise = services.exercise_set_hidden(actor=request.user, exercise_id=exercise_id, hidden=hidden)
    messages.success(request, _("Hidden from the library.") if hidden else _("Shown in the library again."))
    return redirect("portal:exercise_detail", exercise_id=exercise.pk)
