"""Which errors an API operation can answer, found by reading the code it calls, for the OpenAPI document.

An operation's view is parsed (`ast`), and so is every function of ours it reaches by name (a module's
function, `services.client_create`, a helper in the same module), transitively. Each reached function
contributes the codes it names (`ErrorCode.EMAIL_TAKEN`) and the exceptions it raises with their default
code (`NotFoundError()` is `not_found`). A code's status comes from the exception it is raised with:
`ConflictError(code=...)` is 409; a code only ever passed around through a helper takes the status it has
where it is raised elsewhere in the code base (400 when never raised directly).

Methods called on objects (`row.save()`) are not followed: the list is what the operation's own code
path names, which is where this platform's errors are raised (services, selectors, permission checks).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

from django.conf import settings

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError

OUR_PACKAGES = ("core", "domain", "tenants", "portal", "billing")
# Django's own ways to answer 404/403, which the API's handlers map to these codes.
DJANGO_RAISERS: dict[str, tuple[int, ErrorCode]] = {
    "Http404": (404, ErrorCode.NOT_FOUND),
    "get_object_or_404": (404, ErrorCode.NOT_FOUND),
    "PermissionDenied": (403, ErrorCode.FORBIDDEN),
}


@cache
def raisers() -> dict[str, tuple[int, ErrorCode]]:
    """Exception name -> (status, the code it carries when none is given): ApplicationError and all its kinds."""
    found = dict(DJANGO_RAISERS)
    pending: list[type[ApplicationError]] = [ApplicationError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        default = inspect.signature(cls.__init__).parameters.get("code")
        if default is not None and default.default is not inspect.Parameter.empty:
            code = ErrorCode(default.default)
        else:  # a kind that fixes its code in __init__ (SignInLocked: `code=ErrorCode.SIGNIN_LOCKED`)
            fixed = re.search(r"ErrorCode\.([A-Z_]+)", inspect.getsource(cls.__init__))
            code = ErrorCode[fixed.group(1)] if fixed else ErrorCode.INVALID
        found[cls.__name__] = (cls.status_code, code)
    return found


def _ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.split(".", 1)[0] in OUR_PACKAGES


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _code_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ErrorCode":
        return node.attr
    return None


def _raised(tree: ast.AST) -> Iterator[tuple[str, int | None]]:
    """(code member name, status or None when the status is not known here) for each error in `tree`."""
    coded: set[int] = set()
    known = raisers()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _call_name(node)) in known:
            status, default = known[name]
            given = next((k.value for k in node.keywords if k.arg == "code"), None)
            if given is not None:
                coded.add(id(given))
            yield (_code_of(given) if given is not None else None) or default.name, status
    for node in ast.walk(tree):
        if (code := _code_of(node)) is not None and id(node) not in coded:
            yield code, None


@cache
def _global_statuses() -> dict[str, int]:
    """Each code's status where it is raised directly, across the whole code base."""
    statuses: dict[str, int] = {}
    base = Path(settings.BASE_DIR)
    for package in OUR_PACKAGES:
        for path in (base / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for code, status in _raised(ast.parse(path.read_text())):
                if status is not None:
                    statuses.setdefault(code, status)
    return statuses


def _referenced(func: FunctionType, tree: ast.AST) -> Iterator[Any]:
    """Our functions and exception-raising classes that `func` names (`helper`, `services.client_create`)."""
    namespace = func.__globals__
    for node in ast.walk(tree):
        target: Any = None
        if isinstance(node, ast.Name):
            target = namespace.get(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = namespace.get(node.value.id)
            if isinstance(owner, ModuleType):
                target = getattr(owner, node.attr, None)
        if isinstance(target, FunctionType) and _ours(target):
            yield inspect.unwrap(target)


@cache
def _facts(func: FunctionType) -> tuple[tuple[tuple[str, int | None], ...], tuple[FunctionType, ...]]:
    """(errors it names, our functions it calls by name) of one function, read once per process."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return (), ()
    return tuple(_raised(tree)), tuple(dict.fromkeys(_referenced(func, tree)))


@cache
def operation_errors(view: Callable[..., Any]) -> dict[int, tuple[str, ...]]:
    """Status -> sorted error codes the view's own code path can answer with."""
    found: dict[int, set[str]] = defaultdict(set)
    statuses = _global_statuses()
    seen: set[FunctionType] = set()
    stack: list[Any] = [inspect.unwrap(view)]
    while stack:
        func = stack.pop()
        if func in seen or not isinstance(func, FunctionType):
            continue
        seen.add(func)
        errors, calls = _facts(func)
        for code, status in errors:
            member = ErrorCode.__members__.get(code)
            if member is not None:
                found[status or statuses.get(code, 400)].add(member.value)
        stack.extend(calls)
    return {status: tuple(sorted(codes)) for status, codes in found.items()}
