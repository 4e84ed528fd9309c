"""Reads of progress: entries, value series for charts, photos, and the unit system to show them in.

Callers establish that the client is visible to the asker (`domain.clients.selectors.client_in_scope`);
photos are looked up through `photo_get`, which applies that same scope itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from core.models import User
from core.permissions import is_client
from core.preferences import preferences_of
from domain.clients.models import ClientProfile
from domain.clients.selectors import clients_visible_to
from domain.progress.models import Measurement, MetricType, PerformanceMetric, ProgressEntry, ProgressPhoto
from domain.progress.units import normalise_system


def client_unit_system(*, client_id: int) -> str:
    """The client's unit preference ("metric" when they have no profile yet)."""
    preference = ClientProfile.objects.filter(user_id=client_id).values_list("unit_preference", flat=True).first()
    return normalise_system(preference)


def display_unit_system(*, viewer: User, client_id: int) -> str:
    """The units `viewer` reads a client's weights and lengths in: their own. A client reads in their
    profile's preference; staff in their own preferences (`core.Preferences.units`, metric until they
    choose), whichever client they look at. Stored values are metric and never change with the viewer.
    One query (none more than the client's own preference cost before)."""
    if viewer.pk == client_id or is_client(viewer):
        return client_unit_system(client_id=viewer.pk)
    return normalise_system(preferences_of(viewer).units)


def metric_types(*, category: str | None = None, include_archived: bool = False) -> QuerySet[MetricType]:
    types = MetricType.objects.all()
    if category:
        types = types.filter(category=category)
    return types if include_archived else types.filter(is_archived=False)


def entry_list(*, client: User) -> QuerySet[ProgressEntry]:
    """Entries newest first, each with its measurements, metrics and photos: four queries per page."""
    return ProgressEntry.objects.filter(client=client).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.select_related("type")),
        Prefetch("metrics", queryset=PerformanceMetric.objects.select_related("type")),
        "photos",
    )


def _series(values: QuerySet, slugs: Iterable[str] | None, since: date | None) -> dict[str, list[tuple[date, Decimal]]]:
    if slugs is not None:
        values = values.filter(type__slug__in=list(slugs))
    if since is not None:
        values = values.filter(entry__recorded_on__gte=since)
    series: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = values.order_by("entry__recorded_on").values_list("type__slug", "entry__recorded_on", "value")
    for slug, day, value in rows:
        series[slug].append((day, value))
    return dict(series)


def measurement_series(
    *, client: User, slugs: Iterable[str] | None = None, since: date | None = None
) -> dict[str, list[tuple[date, Decimal]]]:
    """slug -> [(date, metric value)] oldest first, for every measured type (or those asked): one query."""
    return _series(Measurement.objects.filter(entry__client=client), slugs, since)


def metric_series(
    *, client: User, slugs: Iterable[str] | None = None, since: date | None = None
) -> dict[str, list[tuple[date, Decimal]]]:
    """The same for performance metrics."""
    return _series(PerformanceMetric.objects.filter(entry__client=client), slugs, since)


def types_by_slug(slugs: Iterable[str]) -> dict[str, MetricType]:
    return {t.slug: t for t in MetricType.objects.filter(slug__in=list(slugs))}


def photo_list(*, client: User) -> QuerySet[ProgressPhoto]:
    photos = ProgressPhoto.objects.filter(entry__client=client).select_related("entry")
    return photos.order_by("-entry__recorded_on", "pose")


def photo_get(*, actor: User, photo_id: int) -> ProgressPhoto:
    """A photo, if its client is visible to `actor` (themself, their trainers, owners and managers)."""
    photo = (
        ProgressPhoto.objects.select_related("entry__client")
        .filter(pk=photo_id, entry__client__in=clients_visible_to(actor))
        .first()
    )
    if photo is None:
        raise NotFoundError(_("Photo not found."))
    return photo


def measurement_rows(*, client: User, type_slug: str | None = None) -> QuerySet[Measurement]:
    rows = Measurement.objects.filter(entry__client=client).select_related("type", "entry")
    return rows.filter(type__slug=type_slug) if type_slug else rows


def metric_rows(*, client: User, type_slug: str | None = None) -> QuerySet[PerformanceMetric]:
    rows = PerformanceMetric.objects.filter(entry__client=client).select_related("type", "entry")
    return rows.filter(type__slug=type_slug) if type_slug else rows
