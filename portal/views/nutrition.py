"""Nutrition pages: the client's day and food logger (/me/nutrition/, offline-tolerant, drawn by
static/js/nutrition-logger.js from the API's day summary) and the trainer's page for a client
(/clients/<id>/nutrition/): the calculator with its working, plan history, meal plans, adherence."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.http import AuthedRequest, date_param
from core.models import Role, User
from core.studio_time import studio_today
from domain.clients.models import ClientProfile
from domain.clients.selectors import client_in_scope
from domain.nutrition import schemas, selectors, services
from domain.nutrition.calculator import targets_calculate
from domain.progress.selectors import measurement_series
from portal.charts import Bar, adherence_tone, bar_chart
from portal.forms_nutrition import CalculatorForm, MealPlanAssignForm, PlanForm
from portal.views.common import found, offline_service_worker
from tenants.http import StudioRequest

ADHERENCE_WEEKS = 8


def logger_texts() -> dict[str, str]:
    """Every string the food logger's script shows, translated here (no JavaScript catalog needed)."""
    return {
        "energy": _("Energy"),
        "protein": _("Protein"),
        "carbohydrate": _("Carbohydrate"),
        "fat": _("Fat"),
        "remove": _("Remove"),
        "waiting": _("waiting to be sent"),
        "nothing": _("Nothing logged yet."),
        "online": _("Online"),
        "offline": _("Offline — what you log is kept on this phone"),
        "offline_search": _("Searching needs a connection; your recent foods work when you are back online."),
        "signin": _("Your session has ended. Sign in again: what you logged is still on this phone."),
        "failed": _("Could not log"),
        "amount": _("Amount"),
        "amount_needed": _("Enter an amount."),
        "unit": _("Unit"),
        "add": _("Add"),
        "quick_add": _("Quick add"),
    }


def adherence_chart(client: User) -> Any:
    weeks = selectors.adherence_weeks(client=client, weeks=ADHERENCE_WEEKS, today=studio_today())
    return bar_chart(
        [
            Bar(
                date_format(w.week_start, "j M"),
                float(w.percent or 0),
                f"{w.percent}%" if w.percent is not None else "—",
                adherence_tone(w.percent),
            )
            for w in weeks
        ],
        title=_("Nutrition adherence (days on target)"),
        maximum=100,
        fmt=lambda v: f"{v:.0f}%",
        empty_message=_("No nutrition plan in these weeks."),
    )


def _day_param(request: HttpRequest) -> date:
    today = studio_today()
    day = date_param(request.GET.get("date"))
    return day if day and today - timedelta(days=366) <= day <= today else today


@never_cache
@page_requires("nutrition.log")
def my_nutrition(request: StudioRequest) -> HttpResponse:
    """The client's day: targets, meals, and the logger."""
    if request.user.role != Role.CLIENT:
        return redirect("portal:client_list")
    client: User = request.user
    day = _day_param(request)
    summary = schemas.day_out(selectors.day_summary(client=client, day=day))
    plan = selectors.plan_in_force(client=client, day=day)
    config = {
        "userId": client.pk,
        "dayUrl": reverse("api-v1:day_detail", kwargs={"client_id": client.pk, "day": day.isoformat()}),
        "logUrl": reverse("api-v1:log_add", kwargs={"client_id": client.pk}),
        "deleteUrl": reverse("api-v1:log_delete", kwargs={"entry_id": 0}),
        "foodsUrl": reverse("api-v1:food_list"),
        "recentUrl": reverse("api-v1:foods_recent", kwargs={"client_id": client.pk}),
        "favouritesUrl": reverse("api-v1:foods_favourite", kwargs={"client_id": client.pk}),
        "serviceWorker": reverse("portal:nutrition_sw"),
        "scope": reverse("portal:my_nutrition"),
        "texts": logger_texts(),
    }
    return render(
        request,
        "portal/nutrition/day.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1) if day < studio_today() else None,
            "summary": json.loads(json.dumps(summary, default=str)),
            "config": config,
            "plan": plan,
            "meal_plan": _meal_plan_view(client, plan),
            "chart": adherence_chart(client),
        },
    )


def _meal_plan_view(client: User, plan: Any) -> dict[str, Any] | None:
    if plan is None or plan.meal_plan_id is None:
        return None
    loaded = selectors.meal_plan_loaded(meal_plan_id=plan.meal_plan_id, client=client)
    return schemas.meal_plan_out(loaded, selectors.meal_plan_totals(loaded, plan.targets()))


def nutrition_service_worker(request: HttpRequest) -> HttpResponse:
    """The food logger's service worker, served under /me/nutrition/ so its scope covers the page."""
    return offline_service_worker(
        request,
        cache="fitwell-food-logger",
        page_pattern=r"^\/me\/nutrition\/$",
        assets=[static("js/nutrition-logger.js"), static("css/nutrition.css"), static("css/fitwell.css")],
    )


def _calculator_initial(client: User) -> dict[str, Any]:
    """What the client's profile and latest check-ins already say (sex, age, height, weight, body fat)."""
    initial: dict[str, Any] = {"activity": "moderate", "goal": "maintain", "macro_method": "grams_per_kg"}
    profile = ClientProfile.objects.filter(user=client).first()
    if profile is not None:
        if profile.sex in {"female", "male"}:
            initial["sex"] = profile.sex
        if profile.height_cm:
            initial["height_cm"] = profile.height_cm
        if profile.date_of_birth:
            today = studio_today()
            born = profile.date_of_birth
            initial["age_years"] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    series = measurement_series(client=client, slugs=["body_weight", "body_fat"])
    for slug, field in (("body_weight", "weight_kg"), ("body_fat", "body_fat_percent")):
        if series.get(slug):
            initial[field] = series[slug][-1][1]
    return initial


def _page(
    request: HttpRequest,
    client: User,
    *,
    calculator: CalculatorForm | None = None,
    plan_form: PlanForm | None = None,
    result: Any = None,
    status: int = 200,
) -> HttpResponse:
    today = studio_today()
    current = selectors.plan_in_force(client=client, day=today)
    meal_plans = [(p.pk, p.name) for p in selectors.meal_plans_of(client=client)]
    templates = [(p.pk, p.name) for p in selectors.meal_plan_templates()]
    if plan_form is None:
        initial: dict[str, Any] = {"starts_on": today}
        if current is not None:
            initial.update(
                {name: getattr(current, name) for name in ("energy_kcal", "protein_g", "carbohydrate_g", "fat_g")}
            )
        plan_form = PlanForm(initial=initial, meal_plans=meal_plans)
    return render(
        request,
        "portal/nutrition/client.html",
        {
            "client": client,
            "current": current,
            "plans": list(selectors.plan_list(client=client)[:12]),
            "calculator": calculator or CalculatorForm(initial=_calculator_initial(client)),
            "result": result,
            "plan_form": plan_form,
            "assign_form": MealPlanAssignForm(templates=templates) if templates else None,
            "meal_plan": _meal_plan_view(client, current),
            "chart": adherence_chart(client),
            "today": schemas.day_out(selectors.day_summary(client=client, day=today)),
        },
        status=status,
    )


@page_requires("nutrition.manage_plans")
def client_nutrition(request: StudioRequest, client_id: int) -> HttpResponse:
    """GET: the page. POST action=calculate: the calculator's result and working, copied into the plan form.
    POST action=save: a new plan (the one in force is superseded). POST action=assign: a meal plan."""
    client = found(client_in_scope, actor=request.user, client_id=client_id, action="nutrition.manage_plans")
    if request.method != "POST":
        return _page(request, client)
    action = request.POST.get("action")
    meal_plans = [(p.pk, p.name) for p in selectors.meal_plans_of(client=client)]
    if action == "calculate":
        return _calculate(request, client, meal_plans)
    if action == "assign":
        return _assign(request, client)
    form = PlanForm(request.POST, meal_plans=meal_plans)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "calculation"}
        try:
            calculation = json.loads(form.cleaned_data["calculation"] or "{}")
        except ValueError:
            calculation = {}
        try:
            services.nutrition_plan_create(
                actor=request.user,
                client_id=client.pk,
                data=services.NutritionPlanData(
                    **data, calculation=calculation if isinstance(calculation, dict) else {}
                ),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            for field, message in (exc.extra.get("fields") or {}).items():
                if field in form.fields:
                    form.add_error(field, message)
        else:
            return redirect("portal:client_nutrition", client_id=client.pk)
    return _page(request, client, plan_form=form, status=400)


def _calculate(request: HttpRequest, client: User, meal_plans: list[tuple[int, str]]) -> HttpResponse:
    calculator = CalculatorForm(request.POST)
    if not calculator.is_valid():
        return _page(request, client, calculator=calculator, status=400)
    try:
        result = targets_calculate(calculator.to_data())
    except ApplicationError as exc:
        for field, message in (exc.extra.get("fields") or {}).items():
            calculator.add_error(field if field in calculator.fields else None, message)
        return _page(request, client, calculator=calculator, status=400)
    calculation = {
        "inputs": json.loads(json.dumps(calculator.cleaned_data, default=str)),
        "result": json.loads(json.dumps(schemas.calculation_out(result), default=str)),
    }
    plan_form = PlanForm(
        initial={
            "starts_on": studio_today(),
            "energy_kcal": result.energy_kcal,
            "protein_g": result.protein_g,
            "carbohydrate_g": result.carbohydrate_g,
            "fat_g": result.fat_g,
            "fibre_g": result.fibre_g,
            "water_ml": result.water_ml,
            "calculation": json.dumps(calculation),
        },
        meal_plans=meal_plans,
    )
    return _page(request, client, calculator=calculator, plan_form=plan_form, result=result)


def _assign(request: AuthedRequest, client: User) -> HttpResponse:
    templates = [(p.pk, p.name) for p in selectors.meal_plan_templates()]
    form = MealPlanAssignForm(request.POST, templates=templates)
    if form.is_valid():
        services.meal_plan_assign(
            actor=request.user,
            meal_plan_id=form.cleaned_data["meal_plan_id"],
            client_id=client.pk,
        )
    return redirect("portal:client_nutrition", client_id=client.pk)
