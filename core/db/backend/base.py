"""django-tenants' PostgreSQL backend, minus the `SET search_path` that change nothing.

django-tenants forgets the connection's search_path whenever `set_tenant` is called, even for the
schema the connection is already on, so a persistent connection serving the same studio request after
request paid one `SET` per request (and, without TENANT_LIMIT_SET_CALLS, one per query). Here the
known path is kept when the schema and the public flag are unchanged. It is still forgotten whenever the
database may have reverted it: a rollback, a savepoint rollback (both handled by django-tenants, since
a `SET` is transactional) and a new or closed connection (handled here).
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base


class DatabaseWrapper(base.DatabaseWrapper):
    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        unchanged = (
            self.search_path_set_schemas is not None
            and tenant.schema_name == self.schema_name
            and include_public == self.include_public_schema
        )
        if unchanged:
            # Same path as the connection already has: only the tenant object is new. (django-tenants
            # also clears the ContentType cache here, because ids differ between public and studio
            # schemas; with the schema unchanged the cached ids are still this schema's.)
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        # A new server session starts on the server's default search_path, whatever we knew before.
        self.search_path_set_schemas = None
        return super().get_new_connection(conn_params)
