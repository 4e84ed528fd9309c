"""List rows read as plain values, only the columns a response shape shows.

A 50-row list built from model instances spends most of its CPU outside the database: a model instance
per row and per related row (`Model.__init__`, a `setattr` per column), and every column parsed,
timestamps included, whether the answer shows it or not (docs/performance.md). `shape_rows` reads the
queryset with `values_list` — only the columns an `Out` shape names, nested `Out` shapes through their
foreign key (`category.name` is `category__name`) — and hands pydantic plain dicts. What the shape shows
is unchanged; a shape that names anything that is not a concrete column (a property, a related manager,
a `resolve_*` method) is read from model instances as before.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import FileField, ForeignKey, Model, QuerySet
from pydantic import BaseModel

from core.api.shapes import Out

# One column: the dict path in the answer (("category", "name")) and the values() lookup ("category__name").
Column = tuple[tuple[str, ...], str]


def _nested_shape(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(the Out shape inside `annotation`, whether None is allowed), or (None, _) for a plain value."""
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, Out):
        return annotation, nullable
    return None, nullable


@dataclass(frozen=True)
class Plan:
    """How to read a shape from a model's table: its columns, and which nested shapes may be None."""

    columns: tuple[Column, ...]
    nullable: tuple[str, ...]  # top-level nested shapes that are None when their foreign key is empty


def _columns(model: type[Model], shape: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Column] | None:
    columns: list[Column] = []
    for name, info in shape.model_fields.items():
        attribute = info.validation_alias if isinstance(info.validation_alias, str) else name
        nested, _nullable = _nested_shape(info.annotation)
        try:
            field = model._meta.get_field(attribute)  # a foreign key's attname (category_id) finds it too
        except FieldDoesNotExist:
            return None
        if nested is not None:
            if not isinstance(field, ForeignKey):
                return None
            inner = _columns(field.related_model, nested, (*prefix, name))
            if inner is None:
                return None
            columns.extend((path, f"{attribute}__{lookup}") for path, lookup in inner)  # inner lookups are relative
            continue
        if not field.concrete or field.many_to_many or field.one_to_many or isinstance(field, FileField):
            return None  # a file's attribute is a FieldFile, its column a name: the instance is the truth
        columns.append(((*prefix, name), attribute))
    return columns


@functools.cache
def shape_plan(model: type[Model], shape: type[BaseModel]) -> Plan | None:
    """How `shape` reads from `model`'s rows, or None when the shape needs model instances.

    Cached per (model, shape): a shape is planned once per process.
    """
    columns = _columns(model, shape)
    if columns is None:
        return None
    nested = {name: _nested_shape(info.annotation) for name, info in shape.model_fields.items()}
    nullable = tuple(name for name, (inner, can_be_none) in nested.items() if inner is not None and can_be_none)
    return Plan(tuple(columns), nullable)


def shape_rows(queryset: QuerySet[Any], shape: type[BaseModel], extra: Sequence[str] = ()) -> list[Any] | None:
    """The rows of `queryset` as dicts holding just what `shape` shows (plus the `extra` lookups, read as
    top-level keys, e.g. a cursor's order fields), or None when the shape needs model instances.

    A nested nullable shape whose foreign key is empty comes back as None, as the attribute would.
    """
    plan = shape_plan(queryset.model, shape)  # type: ignore[arg-type]  # classes hash by identity
    if plan is None:
        return None
    lookups = [lookup for _path, lookup in plan.columns]
    top_level = {path[0] for path, lookup in plan.columns if path == (lookup,)}
    extras = [name for name in extra if name not in top_level]
    rows: list[Any] = []
    for values in queryset.values_list(*lookups, *extras):
        row: dict[str, Any] = {}
        for (path, _lookup), value in zip(plan.columns, values, strict=False):
            target = row
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
        for name, value in zip(extras, values[len(lookups) :], strict=True):
            row[name] = value
        for name in plan.nullable:
            inner = row[name]
            if all(value is None for value in inner.values()):
                row[name] = None
        rows.append(row)
    return rows
