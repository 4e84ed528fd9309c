"""Celery app whose tasks run in the schema of the studio that queued them (tenant-schemas-celery)."""

import os
from typing import Any

from celery import signals
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("fitwell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _worker_metrics(**_kwargs: Any) -> None:
    """A worker has no web server: its task metrics (all pool processes) are served on METRICS_PORT."""
    from django.conf import settings

    from core.metrics import worker_metrics_serve

    if settings.METRICS_ENABLED and settings.METRICS_PORT:
        worker_metrics_serve(settings.METRICS_PORT)


@signals.worker_process_shutdown.connect
def _pool_process_gone(pid: int | None = None, **_kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


# Every task's outcome and duration, and its studio and task id on its log lines (core/metrics.py).
@signals.task_prerun.connect
def _task_prerun(**kwargs: Any) -> None:
    from core.metrics import task_prerun

    task_prerun(**kwargs)


@signals.task_postrun.connect
def _task_postrun(**kwargs: Any) -> None:
    from core.metrics import task_postrun

    task_postrun(**kwargs)
