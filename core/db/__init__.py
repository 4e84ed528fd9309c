"""Database helpers: migration operations (`core.db.operations`) and the typed tenant connection.

`tenant_connection` is the default database connection as django-tenants makes it: the same object as
`django.db.connection`, seen through a Protocol of what django-tenants adds (Django's stubs do not know it).
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection


class SchemaConnection(Protocol):
    schema_name: str
    tenant: Any  # the Studio (tenants.models) or django-tenants' FakeTenant; core does not import tenants

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema(self, schema_name: str, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


tenant_connection = cast("SchemaConnection", connection)
