"""The OpenAPI document tells the truth: unique component names, every error status and code listed."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, get_args

import pytest
from django.conf import settings
from pydantic import BaseModel

from config.api import api
from core.error_codes import ErrorCode

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _operations(document: dict[str, Any]):
    for path, methods in document["paths"].items():
        for method, details in methods.items():
            yield f"{method.upper()} {path}", details


def _models_of(annotation: Any, seen: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_of(field.annotation, seen)
    for argument in get_args(annotation):
        _models_of(argument, seen)


def test_no_two_schemas_share_a_component_name():
    """ninja names a component after its class: two classes of one name would document one as the other."""
    models: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_of(model, models)
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in models:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(models) > 50
    assert {name: places for name, places in by_name.items() if len(places) > 1} == {}


def test_the_exercise_body_is_the_librarys_and_the_log_has_its_own(document):
    create = document["paths"]["/api/v1/exercises"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["$ref"].endswith("/ExerciseIn")
    assert "equipment" in document["components"]["schemas"]["ExerciseIn"]["properties"]
    assert "sets" in document["components"]["schemas"]["ExerciseLogIn"]["properties"]


def test_every_operation_documents_the_errors_of_the_layers_it_passes(document):
    for name, details in _operations(document):
        responses = {int(status): body for status, body in details["responses"].items()}
        assert {400, 429} <= responses.keys(), name
        if details.get("parameters") or "requestBody" in details:
            assert 422 in responses, name
        if "requestBody" in details:
            assert {413, 415} <= responses.keys(), name
        if details.get("security"):
            assert "not_authenticated" in responses[401]["x-error-codes"], name
        for status, body in responses.items():
            if status >= 400:
                component = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert {"detail", "code"} <= set(document["components"]["schemas"][component]["properties"]), name
                assert set(body["x-error-codes"]) <= set(ErrorCode), name


def test_operations_list_the_codes_their_own_code_raises(document):
    register = document["paths"]["/api/v1/auth/register"]["post"]["responses"]
    assert register[409]["x-error-codes"] == ["email_taken"]
    assert "signup_closed" in register[403]["x-error-codes"]
    login = document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert login[401]["x-error-codes"] == ["invalid_credentials"]
    assert "signin_locked" in login[429]["x-error-codes"]
    booking = document["paths"]["/api/v1/appointments"]["post"]["responses"]
    assert "slot_taken" in booking[409]["x-error-codes"]
    assert "Codes: " in booking[409]["description"]


def test_the_error_component_enumerates_every_code(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "code"]
    assert error["properties"]["code"]["enum"] == [code.value for code in ErrorCode]


def test_error_codes_are_never_written_as_literals():
    """One vocabulary: code=ErrorCode.X everywhere, so the document's lists are complete."""
    literal = re.compile(r'(\bcode=|"code": )"(?!ok")[a-z_]+"')  # "ok": the address check's all-clear
    offenders = []
    for package in ("core", "domain", "tenants", "portal", "billing", "config"):
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if literal.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == []


def test_the_docs_page_uses_the_projects_own_swagger_files(studio_client):
    page = studio_client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
