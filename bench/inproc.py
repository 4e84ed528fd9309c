"""The request path in process: CPU time and queries per request, and where the time goes.

    .venv/bin/python bench/inproc.py [--requests 300] [--rounds 5] [--profile healthz|list|...]

Wall-clock figures from `bench/web.py` move with whatever else the machine runs; CPU time spent inside
one process (`time.process_time`) moves much less, so a change to the request path is judged here first.
Each scenario sends its request through Django's full WSGI stack (every middleware, the production
settings, the bench database and studio of `bench/web.py`, which must have run once with its database
kept) and prints the best round's CPU milliseconds per request, beside plain Django's "hello" measured
the same way in a child process. `--profile NAME` prints pyinstrument's call tree for that scenario.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable

os.environ["SECRET_KEY"] = "bench-http-secret-key-not-for-production"
os.environ.setdefault("JWT_ACCESS_TTL_SECONDS", "7200")

from _setup import ROOT

DB_NAME = "fitwell_bench_http"
HOST = "bench-http.localhost"


def _wsgi_environ(method: str, path: str, host: str, headers: dict[str, str], body: bytes) -> dict[str, object]:
    path_info, _, query = path.partition("?")
    environ: dict[str, object] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
    }
    environ.update({"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()})
    return environ


def caller(app: Callable[..., object], method: str, path: str, host: str, **headers: str) -> Callable[[], int]:
    """One request through `app` (a WSGI callable); returns its status code."""

    def call() -> int:
        seen: list[str] = []
        chunks = app(_wsgi_environ(method, path, host, headers, b""), lambda status, _h, *_: seen.append(status))
        b"".join(chunks)  # type: ignore[arg-type]
        getattr(chunks, "close", lambda: None)()
        return int(seen[0].split()[0])

    return call


def cpu_ms(call: Callable[[], int], *, requests: int, rounds: int) -> tuple[float, int]:
    """The best round's CPU milliseconds per request, and the status of the last answer."""
    status = call()
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            status = call()
        best = min(best, (time.process_time() - started) * 1000 / requests)
    return best, status


def plain_reference(requests: int, rounds: int) -> float:
    """plain Django's hello in a child process (its own settings), CPU ms per request."""
    code = (
        "import os, sys; sys.path.insert(0, 'bench'); os.environ['DJANGO_SETTINGS_MODULE'] = 'bench.plain.settings';"
        "sys.path.insert(0, '.');"
        "from inproc import caller, cpu_ms; from django.core.wsgi import get_wsgi_application;"
        f"print(cpu_ms(caller(get_wsgi_application(), 'GET', '/hello', 'localhost'), requests={requests}, "
        f"rounds={rounds})[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default="", help="a scenario name: print where its time goes")
    args = parser.parse_args()

    from deploy import local

    url = local.find_postgres(DB_NAME)
    os.environ.update(local.base_env(url, local.find_redis(), "config.settings.production"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECURE_SSL_REDIRECT": "false",
            "STRIPE_SECRET_KEY": "sk_test_bench",
            "STRIPE_WEBHOOK_SECRET": "whsec_bench",
            "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_connect",
            "API_RATE_LIMIT_PER_MINUTE": str(10**9),
            "LOG_LEVEL": "WARNING",
        }
    )
    if not os.environ.get("FIELD_ENCRYPTION_KEY"):
        from config.env import DEV_FIELD_ENCRYPTION_KEY

        os.environ["FIELD_ENCRYPTION_KEY"] = DEV_FIELD_ENCRYPTION_KEY

    from django.db import connection

    from config.wsgi import application
    from core.models import User
    from core.tokens import access_token_issue
    from tenants.models import Studio

    studio = Studio.objects.get(slug=HOST.split(".")[0])
    connection.set_tenant(studio)
    token = access_token_issue(User.objects.get(email="owner@bench.test"))
    connection.set_schema_to_public()
    auth = {"authorization": f"Bearer {token}"}
    scenarios = {
        "healthz": caller(application, "GET", "/healthz", HOST),
        "list": caller(application, "GET", "/api/v1/exercises?limit=50", HOST, **auth),
        "me": caller(application, "GET", "/api/v1/auth/me", HOST, **auth),
    }
    if args.profile:
        from pyinstrument import Profiler

        call = scenarios[args.profile]
        call()
        with Profiler(interval=0.0002) as profiler:
            for _ in range(args.requests):
                call()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    reference = plain_reference(args.requests, args.rounds)
    print(
        f"CPU ms per request, best of {args.rounds} x {args.requests}, in one process (load {os.getloadavg()[0]:.2f})"
    )
    print(f"{'plain Django hello':<24} {reference:>7.3f} ms")
    for name, call in scenarios.items():
        ms, status = cpu_ms(call, requests=args.requests, rounds=args.rounds)
        print(f"{name:<24} {ms:>7.3f} ms  {reference / ms:>5.2f}x plain  (HTTP {status})")


if __name__ == "__main__":
    main()
