"""Password reset tokens bound to the studio they were issued in."""

from __future__ import annotations

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from django.contrib.auth.base_user import AbstractBaseUser

from core.db import tenant_connection


class StudioPasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """User ids repeat across studio schemas; hashing the schema in makes a reset link from one
    studio worthless at another, even for a person with the same id, email and password."""

    def _make_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        return f"{tenant_connection.schema_name}:{super()._make_hash_value(user, timestamp)}"
