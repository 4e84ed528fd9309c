"""The privacy registry: what each app knows about a person, to export it or to erase it.

Every app that stores something about a client adds a `privacy.py` module with two functions:

    @export_part("workouts")
    def export(client: User) -> ExportPart: ...       # JSON-safe data + files for the archive

    @erase_part("workouts")
    def erase(client: User) -> list[str]: ...          # deletes/anonymises rows; returns storage names

Modules named `privacy` in installed apps are found on first use (like the admin's `admin.py`), so a new
app (messaging, analytics, ...) joins the client's export and erasure without touching the exporter.
`rows()` turns a queryset into JSON-safe dictionaries (times in the studio's zone). The exporter and the
erasure service live in `domain/privacy`; core names no app.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.module_loading import autodiscover_modules

from core.models import User
from core.storage import storage_walk
from core.studio_time import studio_isoformat


@dataclass(frozen=True)
class ExportFile:
    """One file in the archive: `path` inside it; the bytes from `storage_name` (the studio's media
    storage) or from `content` (made on the fly, e.g. an invoice PDF)."""

    path: str
    storage_name: str = ""
    content: bytes | None = None


@dataclass
class ExportPart:
    """An app's share of a client's export: `data` becomes `<app>.json`; `files` go in as they are."""

    data: dict[str, Any] = field(default_factory=dict)
    files: list[ExportFile] = field(default_factory=list)


ExportFunction = Callable[[User], ExportPart]
EraseFunction = Callable[[User], list[str]]
F = TypeVar("F", bound=Callable[..., Any])

_exporters: dict[str, ExportFunction] = {}
_erasers: dict[str, EraseFunction] = {}
_discovered = False


def export_part(name: str) -> Callable[[F], F]:
    """Register `function(client) -> ExportPart` as the export part called `name` (one per name)."""

    def register(function: F) -> F:
        _exporters[name] = function
        return function

    return register


def erase_part(name: str) -> Callable[[F], F]:
    """Register `function(client) -> list[storage names]` as an erase part. It runs inside the erasure's
    transaction, before the person's own row is anonymised; the files it names are deleted after commit."""

    def register(function: F) -> F:
        _erasers[name] = function
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True


def exporters() -> dict[str, ExportFunction]:
    """Every registered export part, by name (sorted)."""
    _discover()
    return dict(sorted(_exporters.items()))


def erasers() -> dict[str, EraseFunction]:
    """Every registered erase part, by name (sorted)."""
    _discover()
    return dict(sorted(_erasers.items()))


def json_value(value: Any) -> Any:
    """A field's value as JSON: times in the studio's zone (ISO 8601), decimals and ids as text."""
    if isinstance(value, dt.datetime):
        return studio_isoformat(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def rows(queryset: Iterable[models.Model], *, leave_out: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Each row's concrete fields (foreign keys as `<name>_id`) as a JSON-safe dictionary.

    `leave_out`: field names that are not the person's data (internal keys, storage names, hashes).
    """
    skip = set(leave_out)
    out = []
    for row in queryset:
        out.append(
            {
                f.attname: json_value(getattr(row, f.attname))
                for f in row._meta.concrete_fields
                if f.name not in skip and f.attname not in skip
            }
        )
    return out


def stored_files_under(prefix: str) -> list[str]:
    """Every file name in the studio's media storage under `prefix` (a folder, no trailing slash)."""
    return list(storage_walk(prefix))


def all_stored_files(*, leave_out: tuple[str, ...] = ()) -> list[str]:
    """Every file name in the studio's media storage, but those in the top-level folders `leave_out`."""
    return [name for name in storage_walk("") if name.split("/", 1)[0] not in leave_out or "/" not in name]
