"""Integrity errors the database raised for a request, as the 4xx answers a service would have given.

Services check uniqueness first, with a clear message; under a race two requests both pass that check
and the database's constraint decides. The loser gets the same answer as a sequential duplicate: 409
with `<field>_taken` (`email_taken`) naming the field, found from the constraint's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from django.apps import apps
from django.db import IntegrityError, models
from django.db.models.expressions import Col
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, ValidationError


def _expression_fields(expression: object) -> Iterator[str]:
    if isinstance(expression, models.F):
        yield expression.name  # type: ignore[attr-defined]  # F.name exists; the stubs leave it out
    elif isinstance(expression, Col):
        yield expression.target.name
    for source in getattr(expression, "get_source_expressions", list)():
        yield from _expression_fields(source)


@cache
def _unique_fields_by_constraint() -> dict[str, tuple[str, ...]]:
    """Constraint name -> the fields it keeps unique, for every model (declared and `unique=True`)."""
    found: dict[str, tuple[str, ...]] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                names = tuple(constraint.fields) or tuple(
                    name for expr in constraint.expressions for name in _expression_fields(expr)
                )
                found[constraint.name] = names
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                found[f"{table}_{field.column}_key"] = (field.name,)  # PostgreSQL's name for a column UNIQUE
    return found


def _field_code(field: str) -> ErrorCode:
    try:
        return ErrorCode(f"{field}_taken")
    except ValueError:
        return ErrorCode.ALREADY_EXISTS


def integrity_error_as_application_error(exc: IntegrityError) -> ApplicationError | None:
    """The 4xx error for a constraint violation, or None when it is not one a request can cause."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    if sqlstate == "23505":  # unique_violation
        fields = _unique_fields_by_constraint().get(constraint) or _fields_from_name(constraint)
        field = fields[-1] if fields else ""
        message = _("This value is already in use.")
        if field:
            return ConflictError(
                _("That %(field)s is already in use.") % {"field": field.replace("_", " ")},
                code=_field_code(field),
                fields={field: message},
            )
        return ConflictError(_("This already exists."), code=ErrorCode.ALREADY_EXISTS)
    if sqlstate == "23P01":  # exclusion_violation: an overlapping booking won the race
        return ConflictError(_("This clashes with something that was just saved. Try again."))
    if sqlstate == "23503":  # foreign_key_violation: what it refers to was just removed
        return ConflictError(_("Something this refers to no longer exists."))
    if sqlstate == "23514":  # check_violation
        return ValidationError(_("A value is outside what is allowed."), code=ErrorCode.INVALID_INPUT)
    return None


def _fields_from_name(constraint: str) -> tuple[str, ...]:
    """Django's generated `<table>_<column>_<hash>_uniq` names, for fields made unique after creation."""
    for model in apps.get_models():
        table = model._meta.db_table
        if constraint.startswith(f"{table}_") and constraint.endswith("_uniq"):
            for field in model._meta.concrete_fields:
                if field.unique and constraint.startswith(f"{table}_{field.column}_"):
                    return (field.name,)
    return ()
