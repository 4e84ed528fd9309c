"""Every endpoint refuses out-of-range dates and numbers with a 4xx naming the field (issue 9 §1).

Walks the OpenAPI document: for each operation, each date, date-time and number it takes (query, form,
JSON body, nested at any depth) is sent out of range, and the answer must be a 4xx naming that field.
New endpoints are covered without a new test.
"""

from __future__ import annotations

from typing import Any

import pytest

from config.api import api
from tests.factories.core import OwnerFactory

pytestmark = pytest.mark.django_db

BAD = {"date": "0001-01-01", "date-time": "9999-12-31T23:59:59+00:00", "number": "1e400"}
MAX_DEPTH = 6


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _targets(schema: dict[str, Any], components: dict[str, Any], path: tuple[Any, ...] = ()):
    """(path, kind) of every date, date-time and number inside `schema`."""
    if len(path) > MAX_DEPTH:
        return
    schema = _resolve(schema, components)
    options = schema.get("anyOf") or schema.get("allOf") or []
    kinds = {_resolve(o, components).get("type") for o in options} | {schema.get("type")}
    if schema.get("format") in ("date", "date-time"):
        yield path, schema["format"]
    elif "number" in kinds:
        yield path, "number"
    elif "properties" in schema:
        for name, prop in schema["properties"].items():
            yield from _targets(prop, components, (*path, name))
    elif schema.get("type") == "array" and "items" in schema:
        yield from _targets(schema["items"], components, (*path, 0))
    else:
        for option in options:
            yield from _targets(option, components, path)


def _nested(path: tuple[Any, ...], value: Any) -> Any:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _cases():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    components = document["components"]["schemas"]
    for route, methods in document["paths"].items():
        for method, details in methods.items():
            url = route
            for parameter in details.get("parameters", []):
                if parameter["in"] == "path":
                    url = url.replace("{" + parameter["name"] + "}", "1")
            for parameter in details.get("parameters", []):
                if parameter["in"] == "query":
                    for _path, kind in _targets(parameter["schema"], components):
                        yield method, url, "query", parameter["name"], BAD[kind]
            for content_type, body in details.get("requestBody", {}).get("content", {}).items():
                for path, kind in _targets(body["schema"], components):
                    where = "json" if content_type == "application/json" else "form"
                    yield method, url, where, path, BAD[kind]


CASES = list(_cases())


def test_the_walk_finds_the_inputs_it_should():
    fields = {(url, str(path)) for _method, url, _where, path, _value in CASES}
    assert ("/api/v1/clients/1/progress", "('recorded_on',)") in fields
    assert ("/api/v1/workouts/1/complete", "('exercises', 0, 'sets', 0, 'load')") in fields
    assert ("/api/v1/trainers/1/slots", "start") in fields
    assert len(CASES) > 30


@pytest.mark.parametrize(("method", "url", "where", "field", "value"), CASES, ids=lambda v: str(v))
def test_an_out_of_range_value_is_a_4xx_naming_the_field(api_client, tenant, method, url, where, field, value):
    owner = api_client(OwnerFactory())
    if where == "query":
        response = owner.generic(method.upper(), f"{url}?{field}={value}")
        name = field
    elif where == "json":
        response = owner.generic(method.upper(), url, _json(field, value), content_type="application/json")
        name = ".".join(str(part) for part in field)
    else:
        response = getattr(owner, method)(url, {field[0]: value})
        name = field[0]
    assert response.status_code in (400, 422), (response.status_code, response.content)
    assert name in response.json().get("fields", {}), response.json()


def _json(path: tuple[Any, ...], value: Any) -> str:
    import json

    return json.dumps(_nested(path, value))
