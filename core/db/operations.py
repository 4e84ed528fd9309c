"""Migration operations shared by the studio apps."""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation


class CreatePublicExtension(Operation):
    """`CREATE EXTENSION` in the public schema, whatever schema the migration runs in.

    Extensions are database-wide but their objects (types, operator classes) live in one schema.
    Studio migrations run with `search_path = <studio>, public`; a plain `CREATE EXTENSION` (Django's
    `BtreeGistExtension`) would put btree_gist's operator classes in the first schema migrated
    (the template), where no other studio sees them — and dropping that schema would drop them.
    Created in `public`, every studio schema finds them. An extension some earlier run left in another
    schema is moved to `public`. Never dropped on reverse: other schemas still use it.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, name: str) -> None:
        self.name = name

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quoted = schema_editor.quote_name(self.name)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = %s",
                [self.name],
            )
            row = cursor.fetchone()
        if row is None:
            schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {quoted} WITH SCHEMA public")
        elif row[0] != "public":
            schema_editor.execute(f"ALTER EXTENSION {quoted} SET SCHEMA public")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass

    def describe(self) -> str:
        return f"Creates extension {self.name} in the public schema"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [], {"name": self.name}
