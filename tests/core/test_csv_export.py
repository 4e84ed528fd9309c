"""CSV exports are safe to open in a spreadsheet: formula-like text is written inert, numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from core.csv_export import csv_cell
from core.people import people_export_csv
from tests.factories.core import ClientFactory, OwnerFactory


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-12%", "-12%"),
        ("Ann", "Ann"),
        (-5, -5),
    ],
)
def test_formula_like_text_gets_an_apostrophe_and_numbers_do_not(value, written):
    assert csv_cell(value) == written


def test_the_people_export_writes_a_formula_name_as_text(tenant):
    owner = OwnerFactory()
    ClientFactory(email="sly@example.test", first_name="=cmd|' /C calc'!A0", last_name="@x")
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(people_export_csv(actor=owner)))}
    assert (rows["sly@example.test"]["first_name"], rows["sly@example.test"]["last_name"]) == (
        "'=cmd|' /C calc'!A0",
        "'@x",
    )
