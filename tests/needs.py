"""Tests that need a real outside tool: `@needs("chromium")`, `pytestmark = needs("redis")`.

Without the tool such a test is skipped on a developer's machine, but FAILS when `CI=true` (.ci/run sets
it): CI installs and starts every tool, so a missing one there is a broken run, not a reason to pass.
The check runs once per session, when the first test that needs the tool is set up.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from functools import cache

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


TOOLS: dict[str, tuple[Callable[[], bool], str]] = {
    "chromium": (lambda: shutil.which(CHROMIUM) is not None, f"Debian's chromium ({CHROMIUM}) is not installed"),
    "redis": (redis_answers, "no Redis answers at REDIS_URL"),
    "ffmpeg": (lambda: shutil.which("ffmpeg") is not None, "ffmpeg is not on PATH"),
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


def require(tool: str) -> None:
    """Skip the running test (or, when CI=true, fail it) when `tool` is missing; for use inside a test or
    fixture. Raises KeyError for a tool not in `TOOLS`."""
    reason = missing(tool)
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: CI must provide {tool}", pytrace=False)
    pytest.skip(reason)


def check(item: pytest.Item) -> None:
    """Skip (or, when CI=true, fail) `item` when a tool its `needs` marks name is missing."""
    for mark in item.iter_markers("needs"):
        for tool in mark.args:
            require(tool)
