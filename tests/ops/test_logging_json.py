"""Production logs are one JSON object per line, each with the studio and the request id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from django.conf import settings
from django.http import HttpResponse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log() -> io.StringIO:
    """The `ops.test` logger writing through the production formatter and filter into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_config = dict(settings.LOGGING["formatters"]["json"])
    factory = formatter_config.pop("()")
    from django.utils.module_loading import import_string

    handler.setFormatter(import_string(factory)(**formatter_config))
    handler.addFilter(import_string(settings.LOGGING["filters"]["context"]["()"])())
    logger = logging.getLogger("ops.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)


def test_a_line_logged_during_a_studio_request_parses_as_json_with_studio_and_request(
    studio, studio_client, monkeypatch, json_log
):
    def logging_view(request, *args, **kwargs):
        logging.getLogger("ops.test").warning("booking refused for %s", "client 7")
        return HttpResponse("ok")

    monkeypatch.setattr("portal.views.home.render", lambda *a, **k: logging_view(a[0]))
    assert studio_client.get("/", HTTP_X_REQUEST_ID="trace-abcdef12").status_code == 200
    line = json.loads(json_log.getvalue().strip().splitlines()[-1])
    assert line["studio"] == studio.slug
    assert line["request_id"] == "trace-abcdef12"
    assert line["level"] == "WARNING"
    assert line["logger"] == "ops.test"
    assert line["message"] == "booking refused for client 7"
    assert line["time"].endswith("+00:00")


def test_production_settings_log_json_and_serve_the_collected_static_files(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')  # what collectstatic writes
    env = {
        "STATIC_ROOT": str(tmp_path),
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEY": "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE=",
        "DATABASE_URL": "postgres://u:p@db:5432/fitwell",
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_y",
    }
    env.pop("LOG_FORMAT", None)
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LOGGING['handlers']['console']['formatter']); "
        "print('whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE); "
        "print(s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["json", "True", "whitenoise.storage.CompressedManifestStaticFilesStorage"]


@shared_task(name="tests.ops.logs_a_line")
def logs_a_line() -> None:
    logging.getLogger("ops.test").info("reminders sent")


def test_a_task_s_lines_carry_its_studio_schema_and_its_task_id(studio, json_log):
    result = logs_a_line.apply(headers={"_schema_name": studio.schema_name}, task_id="task-0123456789")
    assert result.successful()
    line = json.loads(json_log.getvalue().strip().splitlines()[-1])
    assert (line["studio"], line["request_id"], line["message"]) == (
        studio.schema_name,
        "task-0123456789",
        "reminders sent",
    )
