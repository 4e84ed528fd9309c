"""Settings from the environment: typed, with no default secrets in production."""

from __future__ import annotations

import importlib
import sys

import pytest

from config import env


def test_required_setting_without_a_value_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(env.ImproperlyConfiguredEnv, match="SECRET_KEY"):
        env.env_str("SECRET_KEY", required=True)


def test_production_settings_need_secret_key_and_database_url(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(env.ImproperlyConfiguredEnv, match="SECRET_KEY"):
        importlib.import_module("config.settings.production")
    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal:5432/fitwell")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(env.ImproperlyConfiguredEnv, match="STRIPE_SECRET_KEY"):  # never the fake in production
        importlib.import_module("config.settings.production")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_platform")
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_connect")
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    assert production.STRIPE_API_BASE == "https://api.stripe.com"
    assert production.SECRET_KEY == "s" * 50
    assert production.DATABASES["default"]["HOST"] == "db.internal"
    assert production.DATABASES["default"]["ENGINE"] == "core.db.backend"  # django-tenants' backend, fewer SETs
    assert production.DATABASES["default"]["CONN_MAX_AGE"] == 300
    assert production.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert production.SESSION_COOKIE_SECURE is True
    sys.modules.pop("config.settings.production", None)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("", False), ("YES", True)])
def test_booleans_are_parsed(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG") is expected


def test_a_malformed_boolean_or_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_INT", "ten")
    with pytest.raises(env.ImproperlyConfiguredEnv):
        env.env_bool("SOME_FLAG")
    with pytest.raises(env.ImproperlyConfiguredEnv):
        env.env_int("SOME_INT", 1)


def test_media_goes_to_s3_when_a_bucket_is_configured(monkeypatch):
    assert env.storage_config()["BACKEND"] == "core.storage.TenantFileSystemStorage"
    monkeypatch.setenv("MEDIA_S3_BUCKET", "studio-media")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    config = env.storage_config()
    assert config["BACKEND"] == "core.storage.TenantS3Storage"
    assert config["OPTIONS"]["bucket_name"] == "studio-media"
    assert config["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"


def test_email_backend_is_chosen_by_name(monkeypatch):
    monkeypatch.setenv("EMAIL_BACKEND", "smtp")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.test")
    config = env.email_config()
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["EMAIL_HOST"] == "smtp.example.test"
    monkeypatch.setenv("EMAIL_BACKEND", "pigeon")
    with pytest.raises(env.ImproperlyConfiguredEnv):
        env.email_config()
