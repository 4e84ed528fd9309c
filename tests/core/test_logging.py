from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse
from django.test import Client

from core.context import studio_var
from core.logging import RequestContextFilter
from tests.conftest import host_of

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


@pytest.fixture
def context_caplog(caplog):
    """caplog whose records pass the filter the console handler has (config/settings LOGGING)."""
    context = RequestContextFilter()
    caplog.handler.addFilter(context)
    caplog.set_level(logging.WARNING, logger="django.request")
    yield caplog
    caplog.handler.removeFilter(context)


@pytest.mark.parametrize("path", ["/no-such-page/", "/api/v1/no-such-endpoint"])
def test_djangos_own_4xx_line_carries_the_studio_and_request_id(studio_client, studio, context_caplog, path):
    # when a studio's page or API path is not found
    response = studio_client.get(path, HTTP_X_REQUEST_ID="trace-404abcd")
    assert response.status_code == 404
    # then Django's "Not Found" line is logged once, under the studio and the request id
    lines = [r for r in context_caplog.records if r.name == "django.request" and r.getMessage() == f"Not Found: {path}"]
    assert [(r.levelname, r.studio, r.request_id) for r in lines] == [("WARNING", studio.slug, "trace-404abcd")]
    # and the context is reset once the request is over: the next line outside a request has no studio
    assert studio_var.get() == "-"


def test_the_next_request_on_another_host_does_not_inherit_the_studio(studio_client, public_client, context_caplog):
    studio_client.get("/no-such-page/")
    public_client.get("/no-such-page/")
    public = [r for r in context_caplog.records if r.name == "django.request"][-1]
    assert public.studio == "public"


def _broken(*_args, **_kwargs):
    raise RuntimeError("the squat rack fell over")


@pytest.mark.parametrize(
    ("path", "breaks"),
    [("/", "portal.views.home.render"), ("/api/v1/auth/me", "core.api.auth.access_token_user")],
)
def test_a_server_error_is_logged_once_with_its_traceback_studio_and_request_id(
    studio, context_caplog, monkeypatch, path, breaks
):
    # given a page or an API endpoint that fails
    monkeypatch.setattr(breaks, _broken)
    client = Client(HTTP_HOST=host_of(studio), HTTP_AUTHORIZATION="Bearer x", raise_request_exception=False)
    # when it is asked for
    response = client.get(path, HTTP_X_REQUEST_ID="trace-500abcd")
    assert response.status_code == 500
    # then exactly one line says so, with the traceback, under the studio and the request id
    lines = [r for r in context_caplog.records if r.name == "django.request"]
    assert [(r.getMessage(), r.levelname, r.studio, r.request_id) for r in lines] == [
        (f"Internal Server Error: {path}", "ERROR", studio.slug, "trace-500abcd")
    ]
    assert lines[0].exc_info
    assert lines[0].exc_info[1].args == ("the squat rack fell over",)
