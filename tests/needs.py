"""Tests that need a real outside tool: `@needs("chromium")`, `pytestmark = needs("redis")`.

Without the tool such a test is skipped on a developer's machine, but FAILS when the tools are required:
`FITWELL_REQUIRE_TOOLS=1` or `CI=true` (.ci/run exports both). CI installs and starts every tool, so a
missing one there is a broken run, not a reason to pass. A developer who wants the same guarantee
sets `FITWELL_REQUIRE_TOOLS=1`. The check runs once per session, when the first test that needs the
tool is set up.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import cache

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
PGBOUNCER_PATHS = ("/usr/sbin/pgbouncer",)  # Debian installs it outside a user's PATH
REQUIRE_ENV = "FITWELL_REQUIRE_TOOLS"


def tools_required() -> bool:
    """True where a missing tool fails a test instead of skipping it: FITWELL_REQUIRE_TOOLS=1 or CI=true."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"} or (
        os.environ.get("CI", "").strip().lower() == "true"
    )


def pgbouncer_path() -> str | None:
    """Where Debian's pgbouncer is (on PATH or in /usr/sbin), or None."""
    return shutil.which("pgbouncer") or next((path for path in PGBOUNCER_PATHS if os.path.isfile(path)), None)


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


TOOLS: dict[str, tuple[Callable[[], bool], str]] = {
    "chromium": (lambda: shutil.which(CHROMIUM) is not None, f"Debian's chromium ({CHROMIUM}) is not installed"),
    "redis": (redis_answers, "no Redis answers at REDIS_URL"),
    "ffmpeg": (
        lambda: shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None,
        "ffmpeg/ffprobe are not on PATH (apt-get install ffmpeg)",
    ),
    "pgbouncer": (lambda: pgbouncer_path() is not None, "pgbouncer is not installed (apt-get install pgbouncer)"),
    "nginx": (
        lambda: shutil.which("nginx") is not None or os.path.isfile("/usr/sbin/nginx"),
        "nginx is not installed (apt-get install nginx-light)",
    ),
    "gettext": (
        lambda: all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt")),
        "GNU gettext (xgettext, msgmerge, msgfmt) is not installed (apt-get install gettext)",
    ),
}


def needs(*tools: str) -> pytest.MarkDecorator:
    """The mark for a test (or, as `pytestmark`, a module) that cannot run without `tools`.

    Raises KeyError for a tool not in `TOOLS`.
    """
    unknown = set(tools) - TOOLS.keys()
    if unknown:  # a misspelt tool fails at import, not silently at run time
        raise KeyError(f"unknown tools {sorted(unknown)}; known: {sorted(TOOLS)}")
    return pytest.mark.needs(*tools)


@cache
def missing(tool: str) -> str | None:
    """Why `tool` cannot be used here, or None when it can."""
    available, reason = TOOLS[tool]
    return None if available() else reason


def require(*tools: str) -> None:
    """Skip the running test (or, where tools are required, fail it) when any of `tools` is missing; for
    use inside a test or fixture. Raises KeyError for a tool not in `TOOLS`."""
    reasons = [reason for reason in map(missing, tools) if reason is not None]
    if not reasons:
        return
    if tools_required():
        pytest.fail(f"{REQUIRE_ENV}/CI set but {'; '.join(reasons)}: CI must provide it", pytrace=False)
    pytest.skip("; ".join(reasons))


def check(item: pytest.Item) -> None:
    """Skip (or, where tools are required, fail) `item` when a tool its `needs` marks name is missing."""
    for mark in item.iter_markers("needs"):
        for tool in mark.args:
            require(tool)
