from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse

from core.context import studio_var
from core.logging import RequestContextFilter

pytestmark = pytest.mark.django_db


def test_log_records_carry_the_studio_and_request_id_of_the_request(studio_client, studio, monkeypatch):
    seen: dict[str, str] = {}

    def spy_view(request):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
        RequestContextFilter().filter(record)
        seen.update(studio=record.studio, request_id=record.request_id)
        return HttpResponse("ok")

    monkeypatch.setattr("portal.views.home.render", lambda *a, **k: spy_view(a[0]))
    response = studio_client.get("/", HTTP_X_REQUEST_ID="trace-abcdef12")
    assert response.status_code == 200
    assert seen == {"studio": studio.slug, "request_id": "trace-abcdef12"}
    assert studio_var.get() == "-"  # reset once the request is over
