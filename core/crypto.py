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
