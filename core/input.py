"""One input layer for every request: refuse what no field may hold before any code reads it.

What it refuses, on every path, query string, form and JSON body (keys and values alike):
- a NUL character (PostgreSQL text cannot hold it) or an unpaired UTF-16 surrogate (no encoding can);
- in JSON: a number that does not fit (`1e400` becomes infinity, integers beyond 64 bits), `NaN`;
- a body over the size limit (413), and under /api/v1/ a body that is neither JSON, a form nor a raw
  file chunk (`application/octet-stream`, `video/*`: streamed by its endpoint, never read here) (415).
A refused request answers 400 (413, 415) naming the field, before any view runs: nothing is written.
Under /api/v1/ the answer is the API's `{"detail", "code", "fields"}` JSON, elsewhere plain text.

The parsed JSON is kept on the request, and the API's parser (`CheckedJSONParser`) reuses it, so a
body is decoded once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.parser import Parser

from core.error_codes import ErrorCode

API_PREFIX = "/api/v1/"
INT64_MAX = 2**63 - 1
MAX_PROBLEMS = 20
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
_JSON_TYPES = ("application/json",)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_RAW_TYPES = ("application/octet-stream",)
_PARSED = "_checked_json"


class InputRefused(Exception):
    def __init__(self, status: int, detail: str, code: ErrorCode, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.fields = status, detail, code, fields or {}


def _label(text: str) -> str:
    """A name fit to show: control characters and surrogates escaped (`a\\x00b`, `\\ud89f`)."""
    return ascii(text)[1:-1] if _BAD_CHARACTERS.search(text) else text


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("Contains a NUL character, which is not allowed.")
    if _BAD_CHARACTERS.search(text):
        return _("Contains an unpaired surrogate (invalid Unicode), which is not allowed.")
    return None


def _json_problems(data: Any) -> Iterator[tuple[str, str]]:
    """(field path, message) for each value or key no field may hold; paths read `sets.0.note`."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if problem := _text_problem(value):
                yield path or "body", problem
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > INT64_MAX:
                yield path or "body", _("The number is too large.")
        elif isinstance(value, float):
            if not math.isfinite(value):
                yield path or "body", _("The number is too large.")
        elif isinstance(value, dict):
            for key, item in value.items():
                field = f"{path}.{_label(key)}" if path else _label(key)
                if problem := _text_problem(key):
                    yield field, _("The field name is not valid: %(problem)s") % {"problem": problem}
                stack.append((field, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))


def _refuse_if(problems: Iterator[tuple[str, str]]) -> None:
    fields: dict[str, str] = {}
    for field, message in problems:
        fields.setdefault(field, message)
        if len(fields) >= MAX_PROBLEMS:
            break
    if fields:
        detail = " ".join(f"{field}: {message}" for field, message in fields.items())
        raise InputRefused(400, detail, ErrorCode.INVALID_INPUT, fields)


def _querydict_problems(data: Any, where: str) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        if problem := _text_problem(key):
            yield _label(key), _("The field name is not valid: %(problem)s") % {"problem": problem}
        for value in values:
            text = getattr(value, "name", value)  # an uploaded file: its name
            if isinstance(text, str) and (problem := _text_problem(text)):
                yield _label(key) or where, problem


def _reject_null_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def json_parse(body: bytes) -> Any:
    """JSON as the API accepts it: UTF-8, no NaN/Infinity. Raises InputRefused (400 invalid_json)."""
    try:
        return json.loads(body, parse_constant=_reject_null_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InputRefused(400, _("The request body is not valid JSON."), ErrorCode.INVALID_JSON) from exc


def _is_raw(content_type: str) -> bool:
    """A file sent as the body itself (a video chunk): streamed by its endpoint, which checks its size."""
    return content_type in _RAW_TYPES or content_type.startswith("video/")


def _body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data" or _is_raw(request.content_type or ""):
        return settings.MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _too_big(request: HttpRequest) -> InputRefused:
    limit = _body_limit(request)
    return InputRefused(
        413,
        _("The request body is too large: at most %(limit)s KB.") % {"limit": limit // 1024},
        ErrorCode.BODY_TOO_LARGE,
    )


def request_check(request: HttpRequest) -> None:
    """Raise InputRefused when any part of the request cannot be accepted; keeps parsed JSON on it."""
    is_api = request.path_info.startswith(API_PREFIX)
    if problem := _text_problem(request.path_info):
        raise InputRefused(400, problem, ErrorCode.INVALID_INPUT, {"path": problem})
    _refuse_if(_querydict_problems(request.GET, "query"))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _body_limit(request):
        raise _too_big(request)
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") and not length:
        return
    content_type = request.content_type or ""
    if _is_raw(content_type):
        return  # never read here: the endpoint streams it
    is_json = content_type in _JSON_TYPES or content_type.endswith("+json")
    try:
        if content_type in _FORM_TYPES:
            _refuse_if(_querydict_problems(request.POST, "body"))
            _refuse_if(_querydict_problems(request.FILES, "body"))
            return
        if not (is_json or is_api):
            return  # a page's own kind of body (none today): its view reads it
        body = request.body
    except RequestDataTooBig as exc:
        raise _too_big(request) from exc
    except (MultiPartParserError, UnreadablePostError) as exc:
        raise InputRefused(400, _("The form data could not be read."), ErrorCode.INVALID_INPUT) from exc
    if not body:
        return
    if not is_json:
        raise InputRefused(
            415,
            _("Send JSON (Content-Type: application/json) or a form; “%(type)s” is not accepted.")
            % {"type": _label(content_type) or "-"},
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
    try:
        data = json_parse(body)
    except InputRefused:
        return  # refused by the API's parser if the endpoint reads a body (one without a body ignores it)
    _refuse_if(_json_problems(data))
    setattr(request, _PARSED, data)


def refusal_response(request: HttpRequest, refusal: InputRefused) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        payload: dict[str, Any] = {"detail": refusal.detail, "code": refusal.code}
        if refusal.fields:
            payload["fields"] = refusal.fields
        return JsonResponse(payload, status=refusal.status)
    return HttpResponse(refusal.detail, status=refusal.status, content_type="text/plain; charset=utf-8")


class InputGuardMiddleware:
    """Runs `request_check` on every request, before sessions, CSRF and views read anything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request_check(request)
        except InputRefused as refusal:
            return refusal_response(request, refusal)
        return self.get_response(request)


class CheckedJSONParser(Parser):
    """django-ninja's parser, reusing the JSON the input layer already decoded and checked."""

    def parse_body(self, request: HttpRequest) -> Any:
        if hasattr(request, _PARSED):
            return getattr(request, _PARSED)
        data = json_parse(request.body)
        _refuse_if(_json_problems(data))
        return data
