"""/api/v1/analytics: the needs-attention inbox, the studio's and trainers' figures, ratings, thresholds.

Figures come from the stored daily rows (the hourly task computes them); each answer carries its period
and, for the studio, the previous period of the same length to compare with.
"""

from __future__ import annotations

from datetime import date, timedelta

from ninja import Query, Router, Status

from core.http import AuthedRequest
from core.studio_time import studio_today
from domain.analytics import inbox, selectors, services
from domain.analytics.engagement import settings_get
from domain.analytics.schemas import (
    ItemOut,
    NpsIn,
    NpsOut,
    RangeQuery,
    RatingIn,
    RatingOut,
    SettingsIn,
    SettingsOut,
    StudioFiguresOut,
    TrainerSummaryOut,
)

router = Router(tags=["analytics"])

# Where an inbox item is acted on through the API (the portal links to its own pages instead).
API_LINKS = {
    "client": "/api/v1/clients/{id}",
    "client_health": "/api/v1/clients/{id}/health-history",
    "client_wallet": "/api/v1/clients/{id}/credits",
    "invoice": "/api/v1/invoices/{id}",
    "fee": "/api/v1/fees/{id}/waive",
    "video": "/api/v1/videos/{id}",
    "thread": "/api/v1/messaging/threads/{id}",
    "membership": "/api/v1/memberships/{id}/cancel-terms",
}


def _api_link(action: str, target_id: int) -> str:
    return API_LINKS.get(action, "").format(id=target_id)


def _range(query: RangeQuery) -> tuple[date, date]:
    end = query.end or studio_today()
    return query.start or end - timedelta(days=29), end


@router.get(
    "/analytics/attention",
    response={200: list[ItemOut]},
    summary="What needs a person now, most urgent first (a trainer: their clients; managers: the studio)",
)
def attention(request: AuthedRequest) -> object:
    return inbox.inbox_items(actor=request.user, link=_api_link)


@router.get(
    "/analytics/studio",
    response={200: StudioFiguresOut},
    summary="The studio's figures over a period and the period before it (owners and managers)",
)
def studio_figures(request: AuthedRequest, query: Query[RangeQuery]) -> object:
    start, end = _range(query)
    before_start, before_end = selectors.previous_period(start, end)
    return {
        "current": selectors.studio_summary(actor=request.user, start=start, end=end),
        "previous": selectors.studio_summary(actor=request.user, start=before_start, end=before_end),
    }


def _trainer_out(summary: selectors.TrainerSummary) -> dict[str, object]:
    return {
        **{k: v for k, v in summary.__dict__.items() if k != "trainer"},
        "trainer_id": summary.trainer.pk,
        "trainer_name": summary.trainer.get_full_name() or summary.trainer.email,
    }


@router.get(
    "/analytics/trainers",
    response={200: list[TrainerSummaryOut]},
    summary="Trainers' figures over a period (a trainer gets only their own)",
)
def trainers(request: AuthedRequest, query: Query[RangeQuery]) -> object:
    start, end = _range(query)
    return [_trainer_out(s) for s in selectors.trainers_overview(actor=request.user, start=start, end=end)]


@router.get(
    "/analytics/trainers/{trainer_id}",
    response={200: TrainerSummaryOut},
    summary="One trainer's figures (themself, or anyone for owners and managers; 404 otherwise)",
)
def trainer(request: AuthedRequest, trainer_id: int, query: Query[RangeQuery]) -> object:
    start, end = _range(query)
    return _trainer_out(selectors.trainer_summary(actor=request.user, trainer_id=trainer_id, start=start, end=end))


@router.post(
    "/analytics/ratings",
    response={201: RatingOut},
    summary="Rate an attended session or class, 1-5 (the client, once)",
)
def rate(request: AuthedRequest, payload: RatingIn) -> object:
    rating = services.session_rate(
        actor=request.user,
        score=payload.score,
        appointment_id=payload.appointment_id,
        participant_id=payload.participant_id,
        comment=payload.comment,
    )
    return Status(201, rating)


@router.post(
    "/analytics/nps",
    response={201: NpsOut},
    summary="This month's answer to 'how likely are you to recommend us?' (0-10, the client, once a month)",
)
def nps(request: AuthedRequest, payload: NpsIn) -> object:
    return Status(201, services.nps_answer(actor=request.user, score=payload.score, comment=payload.comment))


@router.get("/analytics/settings", response={200: SettingsOut}, summary="The at-risk thresholds")
def settings_read(request: AuthedRequest) -> object:
    services.settings_check(actor=request.user)
    return settings_get()


@router.put("/analytics/settings", response={200: SettingsOut}, summary="Set the at-risk thresholds")
def settings_write(request: AuthedRequest, payload: SettingsIn) -> object:
    return services.settings_update(actor=request.user, **payload.dict())
