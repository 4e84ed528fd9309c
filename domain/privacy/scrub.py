"""The safety net under erasure: every text and JSON column of the studio's schema, and every media key.

Each app's erase part deletes or anonymises what it knows it holds; this pass then replaces any remaining
occurrence of the person's full name, email address or phone number anywhere in the studio's tables (a
trainer's note about them on another row, an audit row's details, a column a newer app added) and finds
media keys that name them. It matches whole phrases, case-insensitively, never a single first or last
name, so "Mark" in "mark attendance" is safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

from core.privacy import all_stored_files

REPLACEMENT = "[erased]"
TEXT_TYPES = ("text", "character varying", "json", "jsonb")


def identifiers_of(*, full_name: str, email: str, phone: str) -> list[str]:
    """The phrases that identify the person: the full name (two words at least), email, phone (6+ digits)."""
    found = []
    name = " ".join(full_name.split())
    if len(name.split(" ")) >= 2:
        found.append(name)
    if email:
        found.append(email.strip())
    if sum(ch.isdigit() for ch in phone) >= 6:
        found.append(phone.strip())
    return found


def text_columns() -> list[tuple[str, str, str, int | None]]:
    """(table, column, data type, max length) of every text-like column of the connection's schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s)
             ORDER BY c.table_name, c.column_name
            """,
            [list(TEXT_TYPES)],
        )
        return list(cursor.fetchall())


def _pattern(phrase: str) -> str:
    # A PostgreSQL regular expression for the phrase (any run of spaces inside it), case-insensitive below.
    return r"\s+".join(re.escape(part) for part in phrase.split())


def scrub_tables(phrases: Iterable[str]) -> int:
    """Replace each phrase in every text/JSON column of the studio's schema; returns the rows changed."""
    patterns = [_pattern(phrase) for phrase in phrases if phrase]
    if not patterns:
        return 0
    pattern = "(" + "|".join(patterns) + ")"
    changed = 0
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column, data_type, max_length in text_columns():
            value = f"{qn(column)}::text" if data_type in ("json", "jsonb") else qn(column)
            replaced = f"regexp_replace({value}, %s, %s, 'gi')"
            if max_length:
                replaced = f"left({replaced}, {int(max_length)})"
            if data_type in ("json", "jsonb"):
                replaced = f"({replaced})::{data_type}"
            sql = f"UPDATE {qn(table)} SET {qn(column)} = {replaced} WHERE {value} ~* %s"  # noqa: S608 (catalog names)
            cursor.execute(sql, [pattern, REPLACEMENT, pattern])
            changed += cursor.rowcount
    return changed


def _squashed(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def media_naming(phrases: Iterable[str]) -> list[str]:
    """Storage names under the studio's media prefix that contain one of the phrases, letters and digits
    compared only (`zelda-quixote.pdf` names "Zelda Quixote"; `+44 7700` matches `447700`)."""
    lowered = [_squashed(phrase) for phrase in phrases if _squashed(phrase)]
    names = all_stored_files()
    return [name for name in names if any(phrase in _squashed(name) for phrase in lowered)]
