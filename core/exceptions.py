"""Errors domain code raises; one handler (core/api/errors.py) maps them to 4xx JSON."""

from __future__ import annotations

from typing import Any

from core.error_codes import ErrorCode


class ApplicationError(Exception):
    """A request that cannot be honoured for a reason the user can act on."""

    status_code = 400

    def __init__(
        self, message: str, *, code: ErrorCode = ErrorCode.INVALID, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class ValidationError(ApplicationError):
    """Input that fails a business rule; `fields` maps field names to messages."""

    def __init__(
        self, message: str, *, code: ErrorCode = ErrorCode.VALIDATION_ERROR, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code=code, extra={"fields": fields} if fields else None)


class NotFoundError(ApplicationError):
    status_code = 404

    def __init__(self, message: str = "Not found.", *, code: ErrorCode = ErrorCode.NOT_FOUND) -> None:
        super().__init__(message, code=code)


class GoneError(NotFoundError):
    """It existed, and is gone for good (an expired link): 410. A NotFoundError, for code that only asks
    whether there is something to show."""

    status_code = 410


class PermissionDeniedError(ApplicationError):
    status_code = 403

    def __init__(
        self, message: str = "You do not have permission to do this.", *, code: ErrorCode = ErrorCode.FORBIDDEN
    ) -> None:
        super().__init__(message, code=code)


class ConflictError(ApplicationError):
    """The request clashes with what is stored (a taken address, a booked slot); `fields` as ValidationError."""

    status_code = 409

    def __init__(
        self, message: str, *, code: ErrorCode = ErrorCode.CONFLICT, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code=code, extra={"fields": fields} if fields else None)
