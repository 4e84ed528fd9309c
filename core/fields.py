"""Model fields shared across areas."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.lookups import IsNull

from core import crypto


class EncryptedJSONField(models.Field):
    """A JSON value stored as a Fernet token in a text column: the database only ever holds ciphertext.

    Tokens are randomised, so the column cannot be searched or compared; only `isnull` is allowed.
    Validate the value's shape in the service before saving, as with any JSONField.
    """

    description = "JSON encrypted at rest"
    empty_strings_allowed = False

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        return IsNull if lookup_name == "isnull" else None

    def get_transform(self, name: str) -> Any:
        return None

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(crypto.decrypt_str(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt_str(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
