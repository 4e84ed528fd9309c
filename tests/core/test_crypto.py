"""Field-level encryption: keys from the environment, required in production, rotatable."""

from __future__ import annotations

import importlib
import sys

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from config import env
from core import crypto
from core.fields import EncryptedJSONField

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_production_refuses_to_start_without_an_encryption_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal:5432/fitwell")
    monkeypatch.delenv("FIELD_ENCRYPTION_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        with pytest.raises(env.ImproperlyConfiguredEnv, match="FIELD_ENCRYPTION_KEY"):
            importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)


def test_a_malformed_key_is_refused_and_a_list_is_newest_first(monkeypatch):
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(env.ImproperlyConfiguredEnv, match="#1"):
        env.field_encryption_keys(required=True)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", f"{NEW_KEY}, {OLD_KEY}")
    assert env.field_encryption_keys(required=True) == [NEW_KEY, OLD_KEY]


def test_values_encrypted_under_an_old_key_still_read_after_rotation_and_rotate_to_the_new_key():
    # given a value encrypted while OLD_KEY was the only key
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = crypto.encrypt_str("asthma")
    # when a new key is put in front
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        # then the old value still reads, and rotating re-encrypts it under the new key
        assert crypto.decrypt_str(token) == "asthma"
        rotated = crypto.rotate_token(token)
    assert Fernet(NEW_KEY.encode()).decrypt(rotated.encode()) == b"asthma"
    # and once the old key is dropped, only the rotated token is readable
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert crypto.decrypt_str(rotated) == "asthma"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_str(token)


def test_the_same_value_encrypts_differently_each_time_so_columns_cannot_be_compared():
    assert crypto.encrypt_str("x") != crypto.encrypt_str("x")
    field = EncryptedJSONField()
    assert field.get_lookup("exact") is None
    assert field.get_lookup("isnull") is not None
