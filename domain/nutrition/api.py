"""/api/v1 nutrition: the calculator, foods and recipes, plans, meal plans, the food log, day summaries
and adherence. Parse, authorise, call one service or selector, shape the answer.

Who may see which client is decided by `clients.selectors.client_in_scope` (the role, then the client's
scope) and, for writes, inside the services; a client outside the asker's scope, or from another studio,
is a 404 like an id that does not exist.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.api.pagination import CursorPage, paginate_cursor
from core.error_codes import ErrorCode
from core.exceptions import NotFoundError
from core.http import AuthedRequest
from core.models import User
from core.permissions import require
from core.studio_time import studio_today
from domain.clients.selectors import client_in_scope
from domain.nutrition import schemas, selectors, services
from domain.nutrition.calculator import targets_calculate
from domain.nutrition.schemas import (
    AdherenceQuery,
    AdherenceWeekOut,
    FoodIn,
    FoodLogIn,
    FoodLogResultOut,
    FoodOut,
    FoodSearchQuery,
    MealPlanAssignIn,
    MealPlanIn,
    MealPlanOut,
    MealPlanSummaryOut,
    NutritionCalculationIn,
    NutritionCalculationOut,
    NutritionDayOut,
    NutritionPlanIn,
    NutritionPlanOut,
    NutritionSettingsIn,
    NutritionSettingsOut,
    RecipeIn,
)

router = Router(tags=["nutrition"])


@router.post(
    "/nutrition/calculate", response=NutritionCalculationOut, summary="Energy and macro targets, with the working"
)
def calculate(request: AuthedRequest, payload: NutritionCalculationIn) -> object:
    require(request.user, "nutrition.calculate")
    return schemas.calculation_out(targets_calculate(payload.to_data()))


@router.get("/nutrition/settings", response=NutritionSettingsOut, summary="The studio's adherence range")
def settings_get(request: AuthedRequest) -> object:
    require(request.user, "nutrition.view")
    return {"adherence_tolerance_percent": selectors.tolerance_default()}


@router.put("/nutrition/settings", response=NutritionSettingsOut, summary="Change the studio's adherence range")
def settings_update(request: AuthedRequest, payload: NutritionSettingsIn) -> object:
    updated = services.nutrition_settings_update(
        actor=request.user, adherence_tolerance_percent=payload.adherence_tolerance_percent
    )
    return {"adherence_tolerance_percent": updated.adherence_tolerance_percent}


# --- foods and recipes -------------------------------------------------------------------------


@router.get(
    "/foods",
    response=CursorPage[FoodOut],
    summary="Search foods (a ranked search with `q` returns one page; without it, pages by name)",
)
def food_list(request: AuthedRequest, query: Query[FoodSearchQuery]) -> object:
    require(request.user, "nutrition.view")
    foods = selectors.food_search(query=query.q, category=query.category, barcode=query.barcode)
    if query.q.strip():
        return {"items": [schemas.food_out(f) for f in foods[: query.limit]], "next_cursor": None}
    page = paginate_cursor(foods, cursor=query.cursor, limit=query.limit, order=("name", "id"))
    return {"items": [schemas.food_out(f) for f in page["items"]], "next_cursor": page["next_cursor"]}


@router.post("/foods", response={201: FoodOut}, summary="Add a studio food (staff)")
def food_create(request: AuthedRequest, payload: FoodIn) -> object:
    food = services.food_create(actor=request.user, data=payload.to_data())
    return Status(201, schemas.food_out(selectors.food_get(food_id=food.pk)))


@router.get("/foods/{int:food_id}", response=FoodOut, summary="A food or recipe, with portions and ingredients")
def food_detail(request: AuthedRequest, food_id: int) -> object:
    require(request.user, "nutrition.view")
    return schemas.food_out(selectors.food_get(food_id=food_id), with_ingredients=True)


@router.put("/foods/{int:food_id}", response=FoodOut, summary="Change a studio food (staff; not starter foods)")
def food_update(request: AuthedRequest, food_id: int, payload: FoodIn) -> object:
    services.food_update(actor=request.user, food_id=food_id, data=payload.to_data())
    return schemas.food_out(selectors.food_get(food_id=food_id))


@router.delete("/foods/{int:food_id}", response={204: None}, summary="Archive a studio food or recipe (staff)")
def food_archive(request: AuthedRequest, food_id: int) -> object:
    services.food_archive(actor=request.user, food_id=food_id)
    return Status(204, None)


@router.post("/recipes", response={201: FoodOut}, summary="Add a recipe; its nutrients come from its ingredients")
def recipe_create(request: AuthedRequest, payload: RecipeIn) -> object:
    recipe = services.recipe_create(actor=request.user, data=payload.to_data())
    return Status(201, schemas.food_out(selectors.food_get(food_id=recipe.pk), with_ingredients=True))


@router.put("/recipes/{int:recipe_id}", response=FoodOut, summary="Change a recipe")
def recipe_update(request: AuthedRequest, recipe_id: int, payload: RecipeIn) -> object:
    services.recipe_update(actor=request.user, recipe_id=recipe_id, data=payload.to_data())
    return schemas.food_out(selectors.food_get(food_id=recipe_id), with_ingredients=True)


@router.get("/clients/{int:client_id}/foods/recent", response=list[FoodOut], summary="Foods the client logged lately")
def foods_recent(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return [schemas.food_out(f) for f in selectors.foods_recent(client=client)]


@router.get("/clients/{int:client_id}/foods/favourites", response=list[FoodOut], summary="The client's favourite foods")
def foods_favourite(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return [schemas.food_out(f) for f in selectors.foods_favourite(client=client)]


@router.put("/clients/{int:client_id}/foods/favourites/{int:food_id}", response={204: None}, summary="Add a favourite")
def favourite_add(request: AuthedRequest, client_id: int, food_id: int) -> object:
    services.favourite_add(actor=request.user, client_id=client_id, food_id=food_id)
    return Status(204, None)


@router.delete(
    "/clients/{int:client_id}/foods/favourites/{int:food_id}", response={204: None}, summary="Remove a favourite"
)
def favourite_remove(request: AuthedRequest, client_id: int, food_id: int) -> object:
    services.favourite_remove(actor=request.user, client_id=client_id, food_id=food_id)
    return Status(204, None)


# --- plans ---------------------------------------------------------------------------------------


@router.get(
    "/clients/{int:client_id}/nutrition-plans",
    response=list[NutritionPlanOut],
    summary="The client's plans, newest first",
)
def plan_list(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return [schemas.plan_out(p) for p in selectors.plan_list(client=client)]


@router.post(
    "/clients/{int:client_id}/nutrition-plans",
    response={201: NutritionPlanOut},
    summary="New targets from a date; the plan in force is superseded (history kept)",
)
def plan_create(request: AuthedRequest, client_id: int, payload: NutritionPlanIn) -> object:
    calculation = {}
    if payload.calculation is not None:
        require(request.user, "nutrition.calculate")
        result = targets_calculate(payload.calculation.to_data())
        calculation = {
            "inputs": payload.calculation.model_dump(mode="json"),
            "result": schemas.NutritionCalculationOut(**schemas.calculation_out(result)).model_dump(mode="json"),
        }
    body = payload.model_dump(exclude={"calculation"})
    plan = services.nutrition_plan_create(
        actor=request.user, client_id=client_id, data=services.NutritionPlanData(**body, calculation=calculation)
    )
    return Status(201, schemas.plan_out(plan))


@router.get(
    "/clients/{int:client_id}/nutrition-plans/current",
    response=NutritionPlanOut,
    summary="The plan in force today (404 when the client has none)",
)
def plan_current(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    plan = selectors.plan_in_force(client=client, day=studio_today())
    if plan is None:
        raise NotFoundError(_("This client has no nutrition plan in force."), code=ErrorCode.NO_NUTRITION_PLAN)
    return schemas.plan_out(plan)


# --- meal plans ----------------------------------------------------------------------------------


@router.get("/meal-plans", response=list[MealPlanSummaryOut], summary="Meal plan templates (staff)")
def meal_plan_list(request: AuthedRequest) -> object:
    require(request.user, "nutrition.manage_plans")
    return list(selectors.meal_plan_templates())


@router.post("/meal-plans", response={201: MealPlanOut}, summary="Add a meal plan template (staff)")
def meal_plan_create(request: AuthedRequest, payload: MealPlanIn) -> object:
    plan = services.meal_plan_template_create(actor=request.user, data=payload.to_data())
    loaded = selectors.meal_plan_loaded(meal_plan_id=plan.pk)
    return Status(201, schemas.meal_plan_out(loaded, selectors.meal_plan_totals(loaded)))


@router.get("/meal-plans/{int:meal_plan_id}", response=MealPlanOut, summary="A template with totals per meal and day")
def meal_plan_detail(request: AuthedRequest, meal_plan_id: int) -> object:
    require(request.user, "nutrition.manage_plans")
    loaded = selectors.meal_plan_loaded(meal_plan_id=meal_plan_id)
    return schemas.meal_plan_out(loaded, selectors.meal_plan_totals(loaded))


@router.put("/meal-plans/{int:meal_plan_id}", response=MealPlanOut, summary="Replace a template's days (copies stay)")
def meal_plan_update(request: AuthedRequest, meal_plan_id: int, payload: MealPlanIn) -> object:
    services.meal_plan_template_update(actor=request.user, meal_plan_id=meal_plan_id, data=payload.to_data())
    loaded = selectors.meal_plan_loaded(meal_plan_id=meal_plan_id)
    return schemas.meal_plan_out(loaded, selectors.meal_plan_totals(loaded))


@router.post(
    "/meal-plans/{int:meal_plan_id}/assign",
    response={201: MealPlanOut},
    summary="Copy a template to a client (attached to their plan in force)",
)
def meal_plan_assign(request: AuthedRequest, meal_plan_id: int, payload: MealPlanAssignIn) -> object:
    copy = services.meal_plan_assign(actor=request.user, meal_plan_id=meal_plan_id, client_id=payload.client_id)
    if copy.client is None:  # never: an assigned copy is the client's (only templates have none)
        raise NotFoundError(code=ErrorCode.CLIENT_NOT_FOUND)
    return Status(201, _client_meal_plan(copy.client, copy.pk))


def _client_meal_plan(client: User, meal_plan_id: int) -> dict[str, object]:
    loaded = selectors.meal_plan_loaded(meal_plan_id=meal_plan_id, client=client)
    plan = selectors.plan_in_force(client=client, day=studio_today())
    return schemas.meal_plan_out(loaded, selectors.meal_plan_totals(loaded, plan.targets() if plan else None))


@router.get("/clients/{int:client_id}/meal-plans", response=list[MealPlanSummaryOut], summary="The client's meal plans")
def client_meal_plans(request: AuthedRequest, client_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return list(selectors.meal_plans_of(client=client))


@router.get(
    "/clients/{int:client_id}/meal-plans/{int:meal_plan_id}",
    response=MealPlanOut,
    summary="One of the client's meal plans, with totals against the plan in force",
)
def client_meal_plan(request: AuthedRequest, client_id: int, meal_plan_id: int) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return _client_meal_plan(client, meal_plan_id)


# --- the food log --------------------------------------------------------------------------------


@router.post(
    "/clients/{int:client_id}/nutrition-logs",
    response={200: FoodLogResultOut, 201: FoodLogResultOut},
    summary="Log a food or quick macros (the same idempotency key again returns 200 and the same row)",
)
def log_add(request: AuthedRequest, client_id: int, payload: FoodLogIn) -> object:
    result = services.food_log_add(actor=request.user, client_id=client_id, data=payload.to_data())
    return Status(201 if result.created else 200, {**schemas.log_out(result.entry), "replayed": not result.created})


@router.delete("/nutrition-logs/{int:entry_id}", response={204: None}, summary="Remove a logged food")
def log_delete(request: AuthedRequest, entry_id: int) -> object:
    services.food_log_delete(actor=request.user, entry_id=entry_id)
    return Status(204, None)


@router.get(
    "/clients/{int:client_id}/nutrition/days/{day}",
    response=NutritionDayOut,
    summary="A day's log by meal, totals and what remains of the day's targets",
)
def day_detail(request: AuthedRequest, client_id: int, day: date) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    return schemas.day_out(selectors.day_summary(client=client, day=day))


@router.get(
    "/clients/{int:client_id}/nutrition/adherence",
    response=list[AdherenceWeekOut],
    summary="Weekly adherence: days within range of energy and protein targets / days with a plan",
)
def adherence(request: AuthedRequest, client_id: int, query: Query[AdherenceQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="nutrition.view")
    weeks = selectors.adherence_weeks(client=client, weeks=query.weeks, today=studio_today())
    return [schemas.week_out(w) for w in weeks]
