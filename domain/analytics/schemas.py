"""API shapes of analytics. Money is minor units + currency; percents are numbers with one decimal."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from core.api.types import ApiDate


class RangeQuery(Schema):
    start: ApiDate | None = Field(None, description="First day (studio date); default: 29 days before `end`")
    end: ApiDate | None = Field(None, description="Last day (studio date); default: today")


class ItemOut(Schema):
    kind: str
    urgency: int
    title: str
    detail: str
    since: datetime
    action: str
    target_id: int
    client_id: int | None
    link: str = Field(description="The API resource to act on, when there is one")


CLASS_UTILISATION = "check-ins ÷ seats of the classes held (not cancelled), percent"
CLASS_UTILISATION_BOOKED = "(check-ins + no-shows) ÷ seats of the classes held, percent"


class ClassTypeUtilisationOut(Schema):
    class_type_id: int
    name: str
    sessions: int = Field(description="classes held (not cancelled)")
    capacity: int = Field(description="their seats")
    checkins: int
    no_shows: int
    utilisation: float | None = Field(description=CLASS_UTILISATION)
    utilisation_booked: float | None = Field(description=CLASS_UTILISATION_BOOKED)


class SummaryOut(Schema):
    start: date
    end: date
    currency: str
    days: int
    active_start: int
    active_end: int
    new_members: int
    churned_voluntary: int
    churned_involuntary: int
    attrition: float | None
    mrr_amount: int
    revenue_amount: int
    refunds_amount: int
    arpm_amount: int | None
    revenue_by_package: dict[str, int]
    class_utilisation: float | None = Field(description=CLASS_UTILISATION)
    class_utilisation_booked: float | None = Field(description=CLASS_UTILISATION_BOOKED)
    class_utilisation_by_type: list[ClassTypeUtilisationOut] = Field(
        description="The same figures per class type (their sums are the studio's), by name"
    )
    trainer_utilisation: float | None
    rating_average: float | None
    ratings: int
    nps: int | None
    nps_responses: int
    at_risk_now: int


class StudioFiguresOut(Schema):
    current: SummaryOut
    previous: SummaryOut


class TrainerSummaryOut(Schema):
    trainer_id: int
    trainer_name: str
    clients: int
    at_risk: int
    booked_minutes: int
    available_minutes: int
    utilisation: float | None
    compliance: float | None
    sessions_attended: int
    no_shows: int
    rating_average: float | None
    ratings: int


class RatingIn(Schema):
    score: int = Field(description="1 to 5")
    appointment_id: int | None = None
    participant_id: int | None = Field(None, description="a class seat (exactly one of the two ids)")
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    id: int
    score: int
    session_day: date


class NpsIn(Schema):
    score: int = Field(description="0 to 10: how likely are you to recommend us?")
    comment: str = Field("", max_length=500)


class NpsOut(Schema):
    id: int
    month: date
    score: int


class SettingsIn(Schema):
    compliance_drop_points: int
    inactive_days: int
    flag_lapsed_memberships: bool = True


class SettingsOut(SettingsIn):
    pass
