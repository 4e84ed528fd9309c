"""Field-level encryption: Fernet tokens under keys from the environment, rotatable with MultiFernet.

The newest key (first in settings.FIELD_ENCRYPTION_KEYS) encrypts; every listed key decrypts, so a
new key can be put in front, the data re-encrypted (`rotate_field_encryption`), and the old key dropped.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

TOKEN_PREFIX = "gAAAA"  # every Fernet token starts with version byte 0x80 and a timestamp


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key (a key was removed too early)."""


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def encrypt_str(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_str(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A stored value cannot be decrypted with the configured keys.") from exc


def rotate_token(token: str) -> str:
    """The same plaintext under the newest key (MultiFernet.rotate)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A stored value cannot be decrypted with the configured keys.") from exc


def encrypted_values_rotate() -> int:
    """Re-encrypt every encrypted column of the connection's current schema under the newest key.

    Run after putting a new key first in FIELD_ENCRYPTION_KEY (see the `rotate_field_encryption`
    command); once every schema is done, the old key can be removed. Returns the values rewritten.
    """
    from django.apps import apps
    from django.db import connection

    from core.fields import EncryptedJSONField

    quote = connection.ops.quote_name
    present = set(connection.introspection.table_names())
    rewritten = 0
    for model in apps.get_models():
        columns = [str(f.column) for f in model._meta.concrete_fields if isinstance(f, EncryptedJSONField)]
        if not columns or model._meta.db_table not in present:
            continue
        table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        listed = ", ".join(quote(c) for c in columns)
        assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {listed} FROM {table} FOR UPDATE")  # noqa: S608 - quoted identifiers
            for pk_value, *tokens in cursor.fetchall():
                rotated = [rotate_token(token) if token else token for token in tokens]
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", [*rotated, pk_value])  # noqa: S608
                rewritten += sum(1 for token in tokens if token)
    return rewritten
