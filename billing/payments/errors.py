"""Commerce's refusals: a booking that needs something the client does not have answers 402 with a way out."""

from __future__ import annotations

from typing import Any

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError


class EntitlementRequired(ApplicationError):
    """The client may not book this (no credits, membership past due or paused, blocked by strikes).

    `extra` carries where to go next: `shop_url` (buy a pass) or `pay_url` (settle an invoice).
    """

    status_code = 402

    def __init__(self, message: str, *, code: ErrorCode, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, extra=extra)
