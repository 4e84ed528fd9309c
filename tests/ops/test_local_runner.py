"""`make run` / `make test` with a $DATABASE_URL whose database does not exist yet: the runner creates it.

The runner's PostgreSQL calls are replaced (a real CREATE DATABASE waits for a checkpoint: minutes on a
busy machine); what is checked is which database it creates, through which admin connection, and that an
unreachable server ends in one clear line rather than a traceback.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://someone@db.example:6543/fw_mine?sslmode=disable"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fitwell_local_runner", ROOT / "deploy" / "local.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missing_database_named_by_database_url_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's `DATABASE_URL=postgres://.../fw_mine make run` ended in a traceback from the first
    migration ('database "fw_mine" does not exist')."""
    runner, created = _runner(), []
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setattr(runner, "_postgres_accepts", lambda url: False)
    monkeypatch.setattr(runner, "_ensure_database", lambda admin, name: created.append((admin, name)))
    assert runner.find_postgres() == URL
    assert created == [("postgres://someone@db.example:6543/postgres?sslmode=disable", "fw_mine")]


def test_a_database_that_answers_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    runner, created = _runner(), []
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setattr(runner, "_postgres_accepts", lambda url: True)
    monkeypatch.setattr(runner, "_ensure_database", lambda admin, name: created.append((admin, name)))
    assert runner.find_postgres() == URL
    assert created == []


def test_a_server_that_does_not_answer_stops_the_runner_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = _runner()

    def refuse(admin: str, name: str) -> None:
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setattr(runner, "_postgres_accepts", lambda url: False)
    monkeypatch.setattr(runner, "_ensure_database", refuse)
    with pytest.raises(SystemExit, match="does not answer: connection refused"):
        runner.find_postgres()
