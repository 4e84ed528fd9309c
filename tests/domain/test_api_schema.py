"""The OpenAPI document carries the seed's paths of clients, exercises and programs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_seed_paths_are_documented(studio_client):
    paths = studio_client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/clients": {"get", "post"},
        "/api/v1/clients/{client_id}": {"get", "put", "delete"},
        "/api/v1/clients/{client_id}/profile": {"get", "put"},
        "/api/v1/clients/{client_id}/health-history": {"get", "put"},
        "/api/v1/clients/{client_id}/goals": {"get", "post"},
        "/api/v1/clients/{client_id}/programs": {"get"},
        "/api/v1/exercises": {"get", "post"},
        "/api/v1/templates": {"get", "post"},
        "/api/v1/templates/{template_id}": {"get", "put", "delete"},
        "/api/v1/templates/{template_id}/assign": {"post"},
        "/api/v1/programs/{program_id}": {"get", "put"},
        "/api/v1/programs/{program_id}/workouts": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
