"""API shapes of client data. Input shapes carry limits so malformed requests stop at 422 before any service."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from core.api.shapes import Out
from core.api.types import ApiDate, ApiDecimal
from domain.clients.models import ClientStatus, GoalStatus, Sex, UnitSystem


class TrainerRef(Schema):
    id: int
    name: str
    is_primary: bool


class ProfileIn(Schema):
    date_of_birth: ApiDate | None = None
    sex: str = Field(default=Sex.UNDISCLOSED, max_length=20)
    height_cm: ApiDecimal | None = Field(default=None, max_digits=4, decimal_places=1)
    unit_preference: str = Field(default=UnitSystem.METRIC, max_length=10)
    tags: list[str] = Field(default_factory=list, max_length=20)
    trainer_notes: str = Field(default="", max_length=10000)


class ProfileOut(Schema):
    date_of_birth: date | None
    sex: str
    height_cm: float | None
    unit_preference: str
    tags: list[str] | None = Field(None, description="Staff only.")
    trainer_notes: str | None = Field(None, description="Staff only.")


class ClientOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    status: str
    is_active: bool
    trainers: list[TrainerRef]
    tags: list[str] | None = Field(None, description="Staff only.")
    date_joined: datetime


class ClientIn(Schema):
    email: str = Field(max_length=254)
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    phone: str = Field(default="", max_length=32)
    trainer_ids: list[int] = Field(default_factory=list, max_length=10)
    profile: ProfileIn | None = None


class ClientUpdateIn(Schema):
    first_name: str = Field(max_length=150)
    last_name: str = Field(default="", max_length=150)
    phone: str = Field(default="", max_length=32)
    status: str = Field(default=ClientStatus.ACTIVE, max_length=10)
    trainer_ids: list[int] | None = Field(default=None, max_length=10, description="Owners and managers only.")


class InjuryIo(Schema):
    name: str = Field(max_length=200)
    notes: str = Field(default="", max_length=2000)
    active: bool = True


class HealthHistoryIn(Schema):
    conditions: list[str] = Field(default_factory=list, max_length=50)
    injuries: list[InjuryIo] = Field(default_factory=list, max_length=50)
    medications: list[str] = Field(default_factory=list, max_length=50)
    parq_answers: dict[str, bool] = Field(default_factory=dict)
    medically_cleared: bool = False
    cleared_on: ApiDate | None = None
    cleared_by: str = Field(default="", max_length=200)
    clearance_expires_on: ApiDate | None = None
    notes: str = Field(default="", max_length=10000)


class ParqQuestionOut(Schema):
    key: str
    text: str
    answer: bool | None


class HealthHistoryOut(Schema):
    conditions: list[str]
    injuries: list[InjuryIo]
    medications: list[str]
    parq: list[ParqQuestionOut]
    medically_cleared: bool
    cleared_on: date | None
    cleared_by: str
    clearance_expires_on: date | None
    clearance_needed: bool = Field(description="A PAR-Q answer is yes and there is no valid medical clearance.")
    notes: str
    updated_at: datetime | None


class ContactIo(Schema):
    name: str = Field(max_length=120)
    phone: str = Field(max_length=32)
    relationship: str = Field(default="", max_length=60)
    email: str = Field(default="", max_length=254)
    is_primary: bool = False


class ContactOut(ContactIo):
    id: int


class GoalIn(Schema):
    goal_type: str = Field(max_length=20)
    title: str = Field(max_length=160)
    description: str = Field(default="", max_length=5000)
    unit: str = Field(default="", max_length=20)
    start_value: ApiDecimal | None = Field(default=None, max_digits=10, decimal_places=2)
    target_value: ApiDecimal | None = Field(default=None, max_digits=10, decimal_places=2)
    current_value: ApiDecimal | None = Field(default=None, max_digits=10, decimal_places=2)
    target_date: ApiDate | None = None
    status: str = Field(default=GoalStatus.ACTIVE, max_length=20)


class GoalOut(Out):
    id: int
    goal_type: str
    title: str
    description: str
    unit: str
    start_value: float | None
    target_value: float | None
    current_value: float | None
    target_date: date | None
    status: str
    progress_percent: int | None
    achieved_at: datetime | None
    created_at: datetime


class AssessmentIn(Schema):
    assessed_on: ApiDate
    measurements: dict[str, ApiDecimal] = Field(default_factory=dict, description="kind -> value in the kind's unit")
    notes: str = Field(default="", max_length=10000)


class MeasurementOut(Schema):
    kind: str
    label: str
    value: float = Field(description="As stored, in `unit` (the kind's metric unit)")
    unit: str
    display: str = Field(description='The value in the caller\'s units: "220.5 lb", "31.5 in", "45 ml/kg/min"')


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    assessed_by_id: int | None
    notes: str
    measurements: list[MeasurementOut]
