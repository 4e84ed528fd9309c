"""Building export archives (zip) in a temporary file, then storing them in the studio's private media.

A client's archive: `README.txt`, one `<part>.json` per registered export part (core.privacy), and the
files the parts name (photos, videos, invoice PDFs). The studio's archive: every table of the studio's
schema as `tables/<table>.csv` (secrets left out: password hashes, session data, token hashes),
`tables.json` (columns and row counts) and every media file under `media/` (earlier exports aside).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from core.models import User
from core.privacy import ExportFile, all_stored_files, exporters
from core.studio_time import studio_isoformat

EXPORTS_FOLDER = "privacy-exports"
# Compressed already: stored as they are (deflating a video costs time and saves nothing).
STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".mp4", ".pdf", "-original")
# Never in the studio's export: they unlock accounts or sessions, they are not the studio's data.
LEFT_OUT_TABLES = frozenset({"django_session", "core_refreshtoken", "account_emailconfirmation"})
SECRET_COLUMN = re.compile(r"^(password|.*_hash|.*_digest|token|.*_token)$")


def archive_name(key: str) -> str:
    return f"{EXPORTS_FOLDER}/{key}.zip"


def _add_file(archive: zipfile.ZipFile, item: ExportFile) -> bool:
    method = zipfile.ZIP_STORED if item.path.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    if item.content is not None:
        archive.writestr(zipfile.ZipInfo(item.path), item.content, compress_type=method)
        return True
    if not item.storage_name or not default_storage.exists(item.storage_name):
        return False
    info = zipfile.ZipInfo(item.path)
    info.compress_type = method
    with default_storage.open(item.storage_name, "rb") as source, archive.open(info, "w") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    return True


def _readme(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _store(handle: IO[bytes], key: str) -> tuple[str, int]:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    name = default_storage.save(archive_name(key), File(handle))
    return name, size


def client_archive_build(*, client: User, key: str) -> tuple[str, int]:
    """Write the client's archive; returns (storage name, bytes). Runs every registered export part."""
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            missing: list[str] = []
            parts = exporters()
            for name, export in parts.items():
                part = export(client)
                body = json.dumps(part.data, indent=2, ensure_ascii=False, default=str)
                archive.writestr(f"{name}.json", body)
                missing.extend(item.path for item in part.files if not _add_file(archive, item))
            archive.writestr(
                "README.txt",
                _readme(
                    [
                        "Your data, as the studio holds it.",
                        f"Made {studio_isoformat(timezone.now())} (times are in the studio's time zone).",
                        "Each .json file holds one area: " + ", ".join(parts) + ".",
                        "Photos, videos and invoices are in their folders.",
                        *([f"Not found in storage: {', '.join(missing)}"] if missing else []),
                    ]
                ),
            )
        return _store(handle, key)


def _tables() -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position
            """
        )
        for table, column in cursor.fetchall():
            if table not in LEFT_OUT_TABLES and not SECRET_COLUMN.match(column):
                columns.setdefault(table, []).append(column)
    return columns


def _copy_csv(table: str, columns: list[str], target: IO[bytes]) -> int:
    qn = connection.ops.quote_name
    select = ", ".join(qn(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {qn(table)}")  # noqa: S608 (a name from the catalog)
        (rows,) = cursor.fetchone()
        sql = f"COPY (SELECT {select} FROM {qn(table)}) TO STDOUT WITH (FORMAT csv, HEADER true)"  # noqa: S608
        with cursor.copy(sql) as copy:
            for block in copy:
                target.write(bytes(block))
    return int(rows)


def studio_archive_build(*, key: str) -> tuple[str, int]:
    """Write the whole studio's archive (tables and media); returns (storage name, bytes)."""
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest: dict[str, Any] = {"made_at": studio_isoformat(timezone.now()), "tables": {}}
            for table, columns in _tables().items():
                info = zipfile.ZipInfo(f"tables/{table}.csv")
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as target:
                    count = _copy_csv(table, columns, target)
                manifest["tables"][table] = {"columns": columns, "rows": count}
            archive.writestr("tables.json", json.dumps(manifest, indent=2))
            for name in all_stored_files(leave_out=(EXPORTS_FOLDER,)):
                _add_file(archive, ExportFile(path=f"media/{name}", storage_name=name))
            archive.writestr(
                "README.txt",
                _readme(
                    [
                        "The studio's data: every table as CSV (tables/), what each holds (tables.json), and every",
                        "media file (media/). Password hashes, sessions and token hashes are left out. Health",
                        "histories are encrypted at rest and appear here as stored.",
                    ]
                ),
            )
        return _store(handle, key)


def archive_delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
