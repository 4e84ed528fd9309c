"""The studio API's NinjaAPI: its OpenAPI document lists every error each operation can answer.

Each operation gets a response per error status it can return, `{"detail", "code", "fields"?}`
(the `Error` component), with the codes it can carry listed (`x-error-codes`, and in the text):
- from its own code path (core/api/error_docs.py): `email_taken` (409), `not_found` (404), ...;
- from the layers every request passes: the input layer (400 `invalid_input`, and for bodies 413, 415,
  400 `invalid_json`), validation of parameters and bodies (422), authentication (401, and 403
  `csrf_failed` for the portal's session), the rate limit (429), and typed path parameters (404).
"""

from __future__ import annotations

from typing import Any

from ninja.operation import Operation

from core.api.error_docs import operation_errors
from core.api.errors import STATUS_CODES
from core.api.render import StudioJSONRenderer
from core.api.strict import JsonAPI
from core.error_codes import ErrorCode

ERROR_COMPONENT = "Error"
STATUS_TEXT = {
    400: "Bad request",
    401: "Not signed in, or the token is not valid here",
    403: "Not allowed",
    404: "Not found (or not yours to see)",
    409: "Conflicts with what is stored",
    413: "Body too large",
    415: "Unsupported content type",
    422: "Invalid parameters or body",
    429: "Too many requests",
}
AUTH_CODES = (
    ErrorCode.NOT_AUTHENTICATED,
    ErrorCode.TOKEN_EXPIRED,
    ErrorCode.TOKEN_INVALID,
    ErrorCode.TOKEN_WRONG_STUDIO,
    ErrorCode.ACCOUNT_INACTIVE,
)


def error_component() -> dict[str, Any]:
    return {
        "title": ERROR_COMPONENT,
        "type": "object",
        "required": ["detail", "code"],
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, in the person's language."},
            "code": {"type": "string", "enum": [code.value for code in ErrorCode], "description": "Stable code."},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Field -> message, for input errors (`sets.0.load`).",
            },
        },
    }


def _layer_errors(operation: Operation, details: dict[str, Any]) -> dict[int, set[str]]:
    errors: dict[int, set[str]] = {400: {ErrorCode.INVALID_INPUT}, 429: {ErrorCode.RATE_LIMITED}}
    parameters = details.get("parameters") or []
    if "requestBody" in details:
        errors[400].add(ErrorCode.INVALID_JSON)
        errors[413] = {ErrorCode.BODY_TOO_LARGE}
        errors[415] = {ErrorCode.UNSUPPORTED_MEDIA_TYPE}
    if parameters or "requestBody" in details:
        errors[422] = {ErrorCode.VALIDATION_ERROR}
        errors[400].add(ErrorCode.VALUE_OUT_OF_RANGE)  # a number its column cannot hold (core/api/errors.py)
    if any(p.get("in") == "path" for p in parameters):
        errors[404] = {ErrorCode.NOT_FOUND}
    if operation.auth_callbacks:
        errors[401] = set(AUTH_CODES)
        errors[403] = {ErrorCode.CSRF_FAILED}
    return errors


class StudioAPI(JsonAPI):
    """NinjaAPI whose document also tells, per operation, the error statuses and codes it can answer, whose
    JSON gives every moment in the studio's zone (core/api/render.py), and which reads JSON bodies strictly
    (core/api/strict.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("renderer", StudioJSONRenderer())
        super().__init__(*args, **kwargs)
        self._operations_by_id: dict[str, Operation] = {}
        self._schemas: dict[str, Any] = {}

    def get_openapi_operation_id(self, operation: Operation) -> str:
        operation_id = super().get_openapi_operation_id(operation)
        self._operations_by_id[operation.operation_id or operation_id] = operation
        return operation_id

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The document, built once per process and prefix (reading the code paths takes a moment)."""
        key = path_prefix if path_prefix is not None else self.get_root_path(path_params or {})
        if key not in self._schemas:
            self._schemas[key] = self._build_schema(key)
        return self._schemas[key]

    def _build_schema(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = error_component()
        for methods in schema.get("paths", {}).values():
            for details in methods.values():
                operation = self._operations_by_id.get(details.get("operationId", ""))
                if operation is not None:
                    self._document_errors(operation, details)
        return schema

    @staticmethod
    def _document_errors(operation: Operation, details: dict[str, Any]) -> None:
        errors = _layer_errors(operation, details)
        for status, own in operation_errors(operation.view_func).items():
            errors.setdefault(status, set()).update(own)
        responses = details.setdefault("responses", {})
        for status, codes in sorted(errors.items()):
            listed = sorted(str(code) for code in codes)
            declared = responses.get(status) or responses.get(str(status))
            if declared is not None:  # the operation declared this status itself: keep its body, add the codes
                declared["x-error-codes"] = listed
                declared["description"] = (
                    f"{declared.get('description') or STATUS_TEXT.get(status, 'Error')}. Codes: {', '.join(listed)}."
                )
                continue
            responses[status] = {
                "description": f"{STATUS_TEXT.get(status, 'Error')}. Codes: {', '.join(listed)}.",
                "x-error-codes": listed,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
            }
        for status, body in responses.items():  # declared by the operation, and not found in its code path
            if int(status) >= 400 and "x-error-codes" not in body:
                body["x-error-codes"] = [str(STATUS_CODES.get(int(status), ErrorCode.ERROR))]
