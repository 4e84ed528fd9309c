"""Analytics' share of a client's export and erasure: their engagement, at-risk flags, session ratings and
NPS answers. Erasure deletes them; studio-wide figures already computed stay (they name nobody)."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.analytics.models import AtRiskFlag, ClientEngagement, NpsResponse, SessionRating

MODELS = {
    "engagement": ClientEngagement,
    "at_risk_flags": AtRiskFlag,
    "session_ratings": SessionRating,
    "nps_answers": NpsResponse,
}


@export_part("analytics")
def export(client: User) -> ExportPart:
    return ExportPart(data={name: rows(model._default_manager.filter(client=client)) for name, model in MODELS.items()})


@erase_part("analytics")
def erase(client: User) -> list[str]:
    for model in MODELS.values():
        model._default_manager.filter(client=client).delete()
    return []
