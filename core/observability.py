"""Error reporting: Sentry with Django and Celery integrations; each event tagged with its studio."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(*, dsn: str, environment: str = "production", traces_sample_rate: float = 0.0) -> None:
    # The studio tag is set per request by tenants.middleware (and per task by the Celery integration's
    # scope); no personal data is sent by default.
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=environment,
        traces_sample_rate=traces_sample_rate,
    )
