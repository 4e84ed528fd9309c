"""A client's nutrition plans, versioned: a new plan supersedes the one in force from its start date.

The plan in force ends the day before the new one starts (kept as history); a plan that starts the same day
as the new one is marked superseded. A later plan already scheduled bounds the new one, so a client's
plans never overlap (the database's exclusion constraint says the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.models import User
from core.permissions import require
from core.studio_time import studio_today
from core.validation import FieldErrors
from domain.clients.selectors import client_for_actor
from domain.nutrition.calculator import KCAL_PER_GRAM
from domain.nutrition.models import MealPlan, NutritionPlan, NutritionSettings

EARLIEST = date(2000, 1, 1)
MACRO_ENERGY_SLACK_PERCENT = 15  # macros must account for the energy target within this


@dataclass(frozen=True, kw_only=True)
class NutritionPlanData:
    name: str = ""
    starts_on: date | None = None  # the studio's today when empty
    energy_kcal: int
    protein_g: int
    carbohydrate_g: int
    fat_g: int
    fibre_g: int | None = None
    water_ml: int | None = None
    training_energy_kcal: int | None = None
    training_protein_g: int | None = None
    training_carbohydrate_g: int | None = None
    training_fat_g: int | None = None
    adherence_tolerance_percent: int | None = None  # None: the studio's default
    meal_plan_id: int | None = None  # one of the client's meal plans; None: a logging-only plan
    calculation: dict[str, Any] = field(default_factory=dict)  # the calculator's inputs and result
    notes: str = ""


def _check_energy(
    errors: FieldErrors, prefix: str, energy: int | None, p: int | None, c: int | None, f: int | None
) -> None:
    if energy is None or p is None or c is None or f is None or not energy:
        return
    from_macros = p * KCAL_PER_GRAM["protein"] + c * KCAL_PER_GRAM["carbohydrate"] + f * KCAL_PER_GRAM["fat"]
    if abs(from_macros - energy) * 100 > energy * MACRO_ENERGY_SLACK_PERCENT:
        errors.add(
            f"{prefix}energy_kcal",
            _("The macros add up to %(macros)s kcal but the energy target is %(energy)s kcal.")
            % {"macros": from_macros, "energy": energy},
        )


def _clean(errors: FieldErrors, data: NutritionPlanData, client: User) -> date:
    errors.text("name", data.name, max_length=120, required=False)
    errors.text("notes", data.notes, max_length=4000, required=False)
    errors.number("energy_kcal", data.energy_kcal, minimum=500, maximum=10000)
    errors.number("training_energy_kcal", data.training_energy_kcal, minimum=500, maximum=10000)
    for name, top in (("protein_g", 1000), ("carbohydrate_g", 2000), ("fat_g", 1000), ("fibre_g", 200)):
        errors.number(name, getattr(data, name), minimum=0, maximum=top)
        if name != "fibre_g":
            errors.number(f"training_{name}", getattr(data, f"training_{name}"), minimum=0, maximum=top)
    errors.number("water_ml", data.water_ml, minimum=0, maximum=10000)
    errors.number("adherence_tolerance_percent", data.adherence_tolerance_percent, minimum=1, maximum=50)
    _check_energy(errors, "", data.energy_kcal, data.protein_g, data.carbohydrate_g, data.fat_g)
    if data.training_energy_kcal is not None:
        _check_energy(
            errors,
            "training_",
            data.training_energy_kcal,
            data.training_protein_g if data.training_protein_g is not None else data.protein_g,
            data.training_carbohydrate_g if data.training_carbohydrate_g is not None else data.carbohydrate_g,
            data.training_fat_g if data.training_fat_g is not None else data.fat_g,
        )
    if data.meal_plan_id is not None and not MealPlan.objects.filter(pk=data.meal_plan_id, client=client).exists():
        errors.add("meal_plan_id", _("Choose one of this client's meal plans."))
    today = studio_today()
    starts_on = data.starts_on or today
    if starts_on < EARLIEST or starts_on > today + timedelta(days=366):
        errors.add("starts_on", _("Start the plan within a year from today."))
    return starts_on


@transaction.atomic
def nutrition_plan_create(*, actor: User, client_id: int, data: NutritionPlanData) -> NutritionPlan:
    """Give the client new targets from `starts_on`; the plan in force then is superseded (history kept).

    Raises NotFoundError for a client the actor may not see, ValidationError (`nutrition_plan_invalid`).
    """
    require(actor, "nutrition.manage_plans")  # the role first: a client gets 403 whatever the id
    client = client_for_actor(actor=actor, client_id=client_id)
    User.objects.select_for_update().filter(pk=client.pk).first()  # one plan change per client at a time
    errors = FieldErrors()
    starts_on = _clean(errors, data, client)
    errors.raise_if_any(code=ErrorCode.NUTRITION_PLAN_INVALID)
    live = NutritionPlan.objects.filter(client=client, superseded_at__isnull=True)
    live.filter(starts_on=starts_on).update(superseded_at=timezone.now())
    live.filter(Q(starts_on__lt=starts_on), Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)).update(
        ends_on=starts_on - timedelta(days=1)
    )
    later = live.filter(starts_on__gt=starts_on).order_by("starts_on").values_list("starts_on", flat=True).first()
    version = (NutritionPlan.objects.filter(client=client).aggregate(top=Max("version"))["top"] or 0) + 1
    plan = NutritionPlan.objects.create(
        client=client,
        version=version,
        name=data.name.strip() or _("Nutrition plan %(n)d") % {"n": version},
        starts_on=starts_on,
        ends_on=later - timedelta(days=1) if later else None,
        energy_kcal=data.energy_kcal,
        protein_g=data.protein_g,
        carbohydrate_g=data.carbohydrate_g,
        fat_g=data.fat_g,
        fibre_g=data.fibre_g,
        water_ml=data.water_ml,
        training_energy_kcal=data.training_energy_kcal,
        training_protein_g=data.training_protein_g,
        training_carbohydrate_g=data.training_carbohydrate_g,
        training_fat_g=data.training_fat_g,
        adherence_tolerance_percent=data.adherence_tolerance_percent,
        meal_plan_id=data.meal_plan_id,
        calculation=data.calculation,
        notes=data.notes.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor, action=AuditAction.NUTRITION_PLAN_CREATE, target=plan, client_id=client.pk, version=version
    )
    return plan


@transaction.atomic
def nutrition_settings_update(*, actor: User, adherence_tolerance_percent: int) -> NutritionSettings:
    """The studio's default adherence range (± % of the energy and protein targets)."""
    require(actor, "nutrition.manage_settings")
    errors = FieldErrors()
    errors.number("adherence_tolerance_percent", adherence_tolerance_percent, minimum=1, maximum=50)
    errors.raise_if_any(code=ErrorCode.NUTRITION_SETTINGS_INVALID)
    settings, _created = NutritionSettings.objects.select_for_update().get_or_create(key=1)
    settings.adherence_tolerance_percent = adherence_tolerance_percent
    settings.save()
    audit_record(
        actor=actor,
        action=AuditAction.NUTRITION_SETTINGS_UPDATE,
        target=settings,
        tolerance=adherence_tolerance_percent,
    )
    return settings
