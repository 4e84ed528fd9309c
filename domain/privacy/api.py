"""Privacy and preferences over the API: data exports, erasure, retention, a person's own preferences."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Field, Router, Schema, Status

from core.http import AuthedRequest, client_ip
from core.preferences import PersonPreferences
from domain.clients.preferences import my_preferences, my_preferences_update
from domain.privacy import services
from domain.privacy.models import DataExport

router = Router(tags=["privacy"])


class ExportOut(Schema):
    id: int
    kind: str
    status: str
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size_bytes: int | None
    download_url: str = Field(description="Absolute; works for the signed-in person who may download it")


class EraseIn(Schema):
    confirm_name: str = Field(max_length=300, description="The client's full name, typed to confirm")


class ErasedOut(Schema):
    id: int
    erased: bool


class RetentionIO(Schema):
    export_days: int = Field(ge=1, le=30)
    archived_client_media_days: int = Field(ge=0, le=3650)
    review_video_days: int = Field(ge=0, le=3650)


class PreferencesIO(Schema):
    language: str = Field(default="", max_length=10, description='"" for the studio\'s')
    timezone: str = Field(default="", max_length=64, description='"" for the studio\'s')
    week_start: int = Field(default=0, ge=0, le=6, description="0 Monday ... 6 Sunday")
    units: str = Field(default="metric", max_length=10)


def _out(request: AuthedRequest, export: DataExport) -> ExportOut:
    ready = export.status == DataExport.Status.READY
    link = request.build_absolute_uri(reverse("data_export_download", args=[services.export_token(export)]))
    return ExportOut(
        id=export.pk,
        kind=export.kind,
        status=export.status,
        created_at=export.created_at,
        ready_at=export.ready_at,
        expires_at=export.expires_at,
        size_bytes=export.size_bytes,
        download_url=link if ready else "",
    )


@router.post("/me/data-exports", response={202: ExportOut}, summary="Ask for a copy of all my data (emailed)")
def my_export(request: AuthedRequest) -> Status:
    export = services.client_export_request(actor=request.user, client_id=request.user.pk, ip=client_ip(request))
    return Status(202, _out(request, export))


@router.get("/me/data-exports", response=list[ExportOut], summary="My data exports")
def my_exports(request: AuthedRequest) -> list[ExportOut]:
    return [_out(request, export) for export in services.export_list(viewer=request.user)]


@router.post("/clients/{client_id}/data-exports", response={202: ExportOut}, summary="Export a client's data")
def client_export(request: AuthedRequest, client_id: int) -> Status:
    export = services.client_export_request(actor=request.user, client_id=client_id, ip=client_ip(request))
    return Status(202, _out(request, export))


@router.get("/clients/{client_id}/data-exports", response=list[ExportOut], summary="A client's data exports")
def client_exports(request: AuthedRequest, client_id: int) -> list[ExportOut]:
    return [_out(request, e) for e in services.export_list(viewer=request.user, client_id=client_id)]


@router.post("/clients/{client_id}/erase", response=ErasedOut, summary="Erase a client's personal data (owner)")
def client_erase(request: AuthedRequest, client_id: int, payload: EraseIn) -> ErasedOut:
    client = services.client_erase(
        actor=request.user, client_id=client_id, confirm_name=payload.confirm_name, ip=client_ip(request)
    )
    return ErasedOut(id=client.pk, erased=True)


@router.post("/studio/data-exports", response={202: ExportOut}, summary="Export the whole studio (owner)")
def studio_export(request: AuthedRequest) -> Status:
    return Status(202, _out(request, services.studio_export_request(actor=request.user, ip=client_ip(request))))


@router.get("/privacy/retention", response=RetentionIO, summary="How long the studio keeps each kind of data")
def retention(request: AuthedRequest) -> RetentionIO:
    services.require_retention_view(actor=request.user)
    return RetentionIO.model_validate(services.retention_get(), from_attributes=True)


@router.put("/privacy/retention", response=RetentionIO, summary="Change how long data is kept (owner; audited)")
def retention_put(request: AuthedRequest, payload: RetentionIO) -> RetentionIO:
    policy = services.retention_update(actor=request.user, ip=client_ip(request), **payload.model_dump())
    return RetentionIO.model_validate(policy, from_attributes=True)


def _prefs(current: PersonPreferences) -> PreferencesIO:
    return PreferencesIO(
        language=current.language, timezone=current.timezone, week_start=current.week_start, units=current.units
    )


@router.get("/me/preferences", response=PreferencesIO, summary="My preferences")
def preferences(request: AuthedRequest) -> PreferencesIO:
    return _prefs(my_preferences(person=request.user))


@router.put("/me/preferences", response=PreferencesIO, summary="Change my preferences (audited)")
def preferences_put(request: AuthedRequest, payload: PreferencesIO) -> PreferencesIO:
    saved = my_preferences_update(actor=request.user, ip=client_ip(request), **payload.model_dump())
    return _prefs(saved)
