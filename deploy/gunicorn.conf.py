"""Gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi:application`.

Every value can be overridden from the environment (names below); the defaults suit a small VM
behind a load balancer or reverse proxy that terminates TLS and buffers slow clients.
Figures behind the defaults are in docs/performance.md.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_int('PORT', 8000)}")
# Processes: the CPU-bound part of a request (Python) scales with cores, not with threads.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# Threads per process: more than one switches to the gthread worker (keep-alive, overlaps the waits
# on PostgreSQL and Redis). Each thread holds its own persistent database connection.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed (and logged); the load balancer's timeout should be higher.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after this many requests (plus jitter, so they do not all restart together):
# bounds the memory any slow leak can take. With the application preloaded (below) a recycle is a fork;
# without it each new worker imported Django and every URLconf again (~1.5 s on 2 busy cores, while the
# requests queued behind it waited: /healthz's p95 went from 9 ms to 1.5 s, docs/performance.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)
# The heartbeat file on tmpfs: a worker on a slow or full disk is not mistaken for a hung one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's heartbeat
# Trust X-Forwarded-* only from the proxy in front (a comma-separated list, or * behind a private network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access logs are the load balancer's job by default; "-" sends them to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Preloaded: the master imports the application (Django, every URLconf and API schema) once and each worker
# starts as a fork of it, in milliseconds, sharing those pages copy-on-write. config/wsgi.py closes any
# database connection the import opened before the first fork, so no two processes share a socket to
# PostgreSQL; Redis pools reopen by themselves in a new process. GUNICORN_PRELOAD=false restores loading per worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in ("0", "false", "no", "off")
proc_name = "fitwell"
