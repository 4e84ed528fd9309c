"""JSON bodies are held to the JSON types their schema publishes: a value of another type is a 422.

pydantic's lax mode (ninja's default) turns `{"amount": "1"}` into 1, `1.0` and `true` into an integer,
`"true"` and `1` into a boolean, and a number into a date-time (as a Unix time). For a JSON body that
hides client bugs. pydantic's own strict mode cannot be switched on for bodies alone: ninja validates
bodies as Python data (where strict also refuses `"2026-01-15"` for a date, and an enum's value), and
the same schemas serve query strings, which are text. So each JSON value is checked against the type the
operation's JSON Schema (the one in the OpenAPI document) gives it, before pydantic reads the body:

| the schema says | accepts | refuses |
| --- | --- | --- |
| `integer` (ids, money in minor units, counts, integer enums) | a JSON integer | `"1"`, `1.0`, `true` |
| `number` | a JSON number | `"1.5"`, `true` |
| `boolean` | `true` / `false` | `"true"`, `1` |
| `string` (text, dates, date-times, times, enums of text) | a JSON string | `1`, `1.5`, `true` |
| `null` alongside one of these (an optional field) | `null` too | |

Decimal quantities (`ApiDecimal`) are `number` or `string` in the schema, and accept both: responses
write decimals as strings (exactly), so a client may send back what it read. Only JSON bodies: query
strings, path parameters and forms are text by nature and stay lax (`?limit=10`).

A refused body answers the usual 422 (core/api/errors.py), each wrong value named by its path with
pydantic's own message (`"fields": {"sets.0.reps": "Input should be a valid integer"}`); the other
checks (required fields, ranges) follow once the types are right. `JsonAPI` installs this on every
operation once the routers are bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, cast

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.params.models import BodyModel, ParamModel
from ninja.schema import NinjaGenerateJsonSchema
from ninja.types import DictStrAny
from pydantic_core import InitErrorDetails, ValidationError

Loc = tuple[int | str, ...]

# The JSON types a scalar may have, and pydantic's error type for a value of another one.
_IS: dict[str, Callable[[Any], bool]] = {
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}
_ERROR_TYPES = {
    "integer": "int_type",
    "number": "float_type",
    "string": "string_type",
    "boolean": "bool_type",
    "null": "none_required",
}


class _Checker:
    """Walks a parsed JSON value beside its JSON Schema; collects the values of another scalar type."""

    def __init__(self, schema: DictStrAny) -> None:
        self.schema = schema
        self.definitions: DictStrAny = schema.get("$defs", {})

    def _resolve(self, schema: DictStrAny) -> DictStrAny:
        while "$ref" in schema:
            schema = self.definitions[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def errors(self, schema: DictStrAny, value: Any, loc: Loc) -> list[InitErrorDetails]:
        schema = self._resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            return self._best_option(options, value, loc)
        found = [error for part in schema.get("allOf", ()) for error in self.errors(part, value, loc)]
        kind = schema.get("type")
        if isinstance(kind, list):
            return found + self._best_option([{"type": k} for k in kind], value, loc)
        if kind in _IS:
            if not _IS[kind](value):
                found.append(InitErrorDetails(type=_ERROR_TYPES[kind], loc=loc, input=value))
            return found
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                below = properties.get(key, extra if isinstance(extra, dict) else None)
                if below is not None:
                    found += self.errors(below, item, (*loc, key))
        elif isinstance(value, list):
            prefix, items = schema.get("prefixItems", []), schema.get("items")
            for index, item in enumerate(value):
                below = prefix[index] if index < len(prefix) else items
                if isinstance(below, dict):
                    found += self.errors(below, item, (*loc, index))
        return found

    def _best_option(self, options: list[DictStrAny], value: Any, loc: Loc) -> list[InitErrorDetails]:
        """None when the value fits an option; else the errors of the option it comes closest to (the
        first of equals: pydantic lists `int | None` as integer, then null)."""
        best: list[InitErrorDetails] | None = None
        for option in options:
            errors = self.errors(option, value, loc)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []


def json_type_errors(schema: DictStrAny, data: Any) -> list[InitErrorDetails]:
    """The values of `data` (parsed JSON) whose JSON type is not the one `schema` (a JSON Schema with its
    `$defs`) gives them, as pydantic error details located by their path (`("payload", "sets", 0, "reps")`).
    Only scalar types are checked; objects and arrays are descended into, and what has no schema (an
    unknown key, `Any`) is left to the model."""
    return _Checker(schema).errors(schema, data, ())


class StrictBodyModel(BodyModel):
    """A JSON body model whose values must have their schema's JSON types (see the module's docstring)."""

    __json_schema__: ClassVar[DictStrAny]

    @classmethod
    def resolve(cls, request: HttpRequest, api: NinjaAPI, path_params: DictStrAny) -> Any:
        data = cls.get_request_data(request, api, path_params)
        if data is None:
            return cls()  # type: ignore[call-arg]  # as ninja's own: the dunder annotations are no fields
        if errors := json_type_errors(cls.__json_schema__, data):
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return cls.model_validate(cls._map_data_paths(data), context={"request": request})  # as ninja's own


def _strict_body_model(model: type[ParamModel]) -> type[ParamModel]:
    if not issubclass(model, BodyModel) or issubclass(model, StrictBodyModel):
        return model
    strict = cast(
        type[StrictBodyModel], type(model.__name__, (StrictBodyModel, model), {"__module__": model.__module__})
    )
    strict.__json_schema__ = model.model_json_schema(schema_generator=NinjaGenerateJsonSchema)
    return strict


def strict_body_models(models: Sequence[type[ParamModel]]) -> list[type[ParamModel]]:
    """An operation's parameter models, each JSON body model replaced by its strict subclass."""
    return [_strict_body_model(model) for model in models]


class JsonAPI(NinjaAPI):
    """NinjaAPI whose operations hold JSON bodies to their schema's JSON types (the module's docstring)."""

    def _get_bound_routers(self) -> Any:
        fresh = self._bound_routers_cache is None
        routers = super()._get_bound_routers()
        if fresh:  # the operations were just cloned from the routers' templates: give them strict bodies
            for router in routers:
                for path_view in router.path_operations.values():
                    for operation in path_view.operations:
                        operation.models = strict_body_models(operation.models)
        return routers
