"""Progress's share of a client's export and erasure: check-ins, measurements, metrics and photos."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportFile, ExportPart, erase_part, export_part, rows
from domain.progress.models import Measurement, PerformanceMetric, ProgressEntry, ProgressPhoto


def _photos(client: User) -> list[ProgressPhoto]:
    return list(ProgressPhoto.objects.filter(entry__client=client).select_related("entry").order_by("entry_id", "pose"))


@export_part("progress")
def export(client: User) -> ExportPart:
    photos = _photos(client)
    return ExportPart(
        data={
            "entries": rows(ProgressEntry.objects.filter(client=client)),
            "measurements": rows(Measurement.objects.filter(entry__client=client)),
            "performance": rows(PerformanceMetric.objects.filter(entry__client=client)),
            "photos": rows(photos, leave_out=["image"]),
        },
        files=[
            ExportFile(
                path=f"progress/photos/{photo.entry.recorded_on}-{photo.pose}-{photo.pk}.jpg",
                storage_name=photo.image.name or "",
            )
            for photo in photos
            if photo.image
        ],
    )


@erase_part("progress")
def erase(client: User) -> list[str]:
    names = [photo.image.name or "" for photo in _photos(client) if photo.image]
    ProgressEntry.objects.filter(client=client).delete()  # measurements, metrics and photos go with them
    return names
