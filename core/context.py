"""Per-request context (request id, studio) for logs, Sentry and anything else that reports."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
studio_var: ContextVar[str] = ContextVar("studio", default="-")
