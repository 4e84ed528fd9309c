from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.api.pagination import paginate_cursor
from core.exceptions import ValidationError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(tenant):
    start = timezone.now()
    # two rows share each timestamp, so the id must break ties
    return [AuditEvent.objects.create(action=f"e{i}", created_at=start - timedelta(minutes=i // 2)) for i in range(11)]


def walk(limit: int, order: tuple[str, ...]) -> list[str]:
    seen, cursor = [], None
    while True:
        page = paginate_cursor(AuditEvent.objects.all(), cursor=cursor, limit=limit, order=order)
        seen += [event.action for event in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("limit", [1, 3, 5, 11, 50])
def test_walking_the_cursor_visits_every_row_once_in_order(events, limit):
    expected = [e.action for e in sorted(events, key=lambda e: (e.created_at, e.pk), reverse=True)]
    assert walk(limit, ("-created_at", "-id")) == expected


def test_ascending_order(events):
    assert walk(4, ("id",)) == [e.action for e in events]


def test_rows_inserted_before_the_cursor_do_not_shift_the_next_page(events):
    first = paginate_cursor(AuditEvent.objects.all(), cursor=None, limit=3, order=("-id",))
    AuditEvent.objects.create(action="newest")
    second = paginate_cursor(AuditEvent.objects.all(), cursor=first["next_cursor"], limit=3, order=("-id",))
    assert [e.action for e in second["items"]] == ["e7", "e6", "e5"]


@pytest.mark.parametrize("cursor", ["not-base64!!", "W10", "WyJ4Il0"])
def test_a_bad_cursor_is_a_clear_400(events, cursor):
    with pytest.raises(ValidationError) as excinfo:
        paginate_cursor(AuditEvent.objects.all(), cursor=cursor, limit=3, order=("-created_at", "-id"))
    assert excinfo.value.code == "cursor_invalid"


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_out_of_range_is_refused(events, limit):
    with pytest.raises(ValidationError):
        paginate_cursor(AuditEvent.objects.all(), cursor=None, limit=limit)
