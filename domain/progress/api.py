"""/api/v1 progress: check-ins (measurements, performance metrics), the studio's types, and photos.

Photos are only ever served by `GET /photos/{id}/image`, which checks who is asking each time; no
storage URL is handed out, so a copied link is useless to anyone who may not see the client.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from core.api.pagination import CursorPage, paginate_cursor
from core.api.types import ApiDate
from core.http import AuthedRequest
from core.permissions import require
from domain.clients.selectors import client_in_scope
from domain.progress import schemas, selectors, services
from domain.progress.schemas import (
    MetricTypeIn,
    MetricTypeOut,
    PageQuery,
    PhotoOut,
    ProgressEntryIn,
    ProgressEntryOut,
    SeriesPointOut,
    SeriesQuery,
)

router = Router(tags=["progress"])
SERIES_ORDER = ("-entry__recorded_on", "-id")


@router.get("/progress/types", response=list[MetricTypeOut], summary="Measurement and performance types")
def type_list(request: AuthedRequest, category: str | None = None) -> object:
    require(request.user, "progress.view")
    return [schemas.type_out(kind) for kind in selectors.metric_types(category=category)]


@router.post("/progress/types", response={201: MetricTypeOut}, summary="Add a studio's own type (staff)")
def type_create(request: AuthedRequest, payload: MetricTypeIn) -> object:
    require(request.user, "progress.manage_types")
    return Status(201, schemas.type_out(services.metric_type_create(actor=request.user, data=payload.to_data())))


@router.get("/clients/{client_id}/progress", response=CursorPage[ProgressEntryOut], summary="Check-ins, newest first")
def entry_list(request: AuthedRequest, client_id: int, query: Query[PageQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="progress.view")
    system = selectors.display_unit_system(viewer=request.user, client_id=client.pk)
    page = paginate_cursor(
        selectors.entry_list(client=client), cursor=query.cursor, limit=query.limit, order=("-recorded_on", "-id")
    )
    return {"items": [schemas.entry_out(e, system) for e in page["items"]], "next_cursor": page["next_cursor"]}


@router.post(
    "/clients/{client_id}/progress",
    response={201: ProgressEntryOut},
    summary="Record measurements and metrics for a date (a type recorded again that day is replaced)",
)
def entry_record(request: AuthedRequest, client_id: int, payload: ProgressEntryIn) -> object:
    entry = services.progress_entry_record(actor=request.user, client_id=client_id, data=payload.to_data())
    loaded = selectors.entry_list(client=entry.client).get(pk=entry.pk)
    return Status(
        201, schemas.entry_out(loaded, selectors.display_unit_system(viewer=request.user, client_id=entry.client_id))
    )


def _series_page(rows: Any, query: SeriesQuery, system: str) -> dict[str, Any]:
    page = paginate_cursor(rows, cursor=query.cursor, limit=query.limit, order=SERIES_ORDER)
    return {
        "items": [{**schemas.value_out(row, system), "recorded_on": row.entry.recorded_on} for row in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get(
    "/clients/{client_id}/measurements", response=CursorPage[SeriesPointOut], summary="Body measurements over time"
)
def measurement_list(request: AuthedRequest, client_id: int, query: Query[SeriesQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="progress.view")
    rows = selectors.measurement_rows(client=client, type_slug=query.type)
    return _series_page(rows, query, selectors.display_unit_system(viewer=request.user, client_id=client.pk))


@router.get(
    "/clients/{client_id}/performance-metrics",
    response=CursorPage[SeriesPointOut],
    summary="Performance metrics over time",
)
def metric_list(request: AuthedRequest, client_id: int, query: Query[SeriesQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="progress.view")
    rows = selectors.metric_rows(client=client, type_slug=query.type)
    return _series_page(rows, query, selectors.display_unit_system(viewer=request.user, client_id=client.pk))


# --- photos ------------------------------------------------------------------------------------


def _photo(photo: Any) -> dict[str, Any]:
    body = schemas.photo_out(photo, photo.entry.recorded_on)
    body["url"] = reverse("api-v1:progress_photo_image", kwargs={"photo_id": photo.pk})
    return body


@router.get("/clients/{client_id}/photos", response=CursorPage[PhotoOut], summary="Progress photos, newest first")
def photo_list(request: AuthedRequest, client_id: int, query: Query[PageQuery]) -> object:
    client = client_in_scope(actor=request.user, client_id=client_id, action="progress.view_photos")
    photos = selectors.photo_list(client=client)
    page = paginate_cursor(photos, cursor=query.cursor, limit=query.limit, order=("-entry__recorded_on", "-id"))
    return {"items": [_photo(photo) for photo in page["items"]], "next_cursor": page["next_cursor"]}


@router.post(
    "/clients/{client_id}/photos",
    response={201: PhotoOut},
    summary="Upload a progress photo (multipart: pose, consent, taken_on, image; JPEG/PNG/WebP up to 10 MB)",
)
def photo_upload(
    request: AuthedRequest,
    client_id: int,
    image: File[UploadedFile],
    pose: Form[str],
    consent: Form[bool],
    taken_on: Form[ApiDate | None] = None,
) -> object:
    photo = services.progress_photo_upload(
        actor=request.user, client_id=client_id, pose=pose, image=image, consent=consent, taken_on=taken_on
    )
    return Status(201, _photo(photo))


@router.get("/photos/{photo_id}/image", url_name="progress_photo_image", summary="The photo itself (authorised)")
def photo_image(request: AuthedRequest, photo_id: int) -> FileResponse:
    require(request.user, "progress.view_photos")
    photo = selectors.photo_get(actor=request.user, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    response["Content-Disposition"] = f'inline; filename="progress-{photo.pose}-{photo.entry.recorded_on}.jpg"'
    return response


@router.delete("/photos/{photo_id}", response={204: None}, summary="Delete a photo (and its file)")
def photo_delete(request: AuthedRequest, photo_id: int) -> object:
    require(request.user, "progress.delete_photo")
    services.progress_photo_delete(actor=request.user, photo_id=photo_id)
    return Status(204, None)
