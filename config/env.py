"""Settings read from the environment, in one place (house rule 9).

Every setting the deployment may change is read here, typed, with a development default only where
a default is safe. Production asks for `required=True` values and refuses to start without them.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import dj_database_url


class ImproperlyConfiguredEnv(RuntimeError):
    """A required environment variable is missing or malformed."""


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfiguredEnv(f"The environment variable {name} must be set.")
        return default if default is not None else ""
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(f"{name} must be a boolean (true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfiguredEnv(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fitwell"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def database_config(*, default_url: str = DEFAULT_DATABASE_URL) -> dict[str, Any]:
    """The default database, on django-tenants' schema-aware backend (core/db/backend).

    Connections persist for DB_CONN_MAX_AGE seconds (default 300; 0 = one per request), checked with
    a cheap query before a request reuses them (CONN_HEALTH_CHECKS), so a restarted server or a
    pooler that dropped the link costs one reconnect, not an error page.
    """
    config: dict[str, Any] = dj_database_url.parse(  # type: ignore[assignment]  # a TypedDict; we add keys
        env_str("DATABASE_URL", default_url),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 300),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
    config["ENGINE"] = "core.db.backend"
    return config


def cache_config(redis_url: str) -> dict[str, Any]:
    """Redis by default; CACHE_BACKEND=locmem when no Redis is around (the dev runner's fallback)."""
    keys = {"KEY_FUNCTION": "django_tenants.cache.make_key", "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key"}
    backend = env_str("CACHE_BACKEND", "redis")
    if backend == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **keys}
    if backend != "redis":
        raise ImproperlyConfiguredEnv("CACHE_BACKEND must be redis or locmem.")
    return {"BACKEND": "core.cache.RedisCache", "LOCATION": redis_url, **keys}


# channels_redis waits for a socket's next event with a blocking pop of this many seconds (its brpop_timeout).
CHANNEL_LAYER_BLOCKING_POP_SECONDS = 5


def channel_layer_host(redis_url: str) -> dict[str, Any]:
    """The channel layer's Redis connection, whose reads outwait the layer's own blocking pop.

    redis-py 8 gives every connection a 5 s socket timeout by default, the same as the pop's 5 s: a messaging
    socket that got no event for 5 s died with 'Timeout reading from ...' (redis-py issue 4091). Reads get
    the pop's time plus a margin, so a Redis that stops answering is still noticed.
    """
    return {"address": redis_url, "socket_timeout": CHANNEL_LAYER_BLOCKING_POP_SECONDS + 10}


def storage_config() -> dict[str, Any]:
    """Media on the filesystem by default, on an S3-compatible bucket when MEDIA_S3_BUCKET is set."""
    bucket = env_str("MEDIA_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "core.storage.TenantFileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
        "region_name": env_str("MEDIA_S3_REGION") or None,
        "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        "custom_domain": env_str("MEDIA_S3_CUSTOM_DOMAIN") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    return {"BACKEND": "core.storage.TenantS3Storage", "OPTIONS": options}


def media_origins() -> list[str]:
    """Origins media URLs point at when they live in a bucket, for the Content Security Policy.

    CSP_MEDIA_ORIGINS (comma-separated) wins; else the bucket's custom domain and endpoint; else, for a
    bucket on AWS itself, its virtual-hosted origin. Empty with media on the filesystem (same origin).
    """
    explicit = env_list("CSP_MEDIA_ORIGINS")
    bucket = env_str("MEDIA_S3_BUCKET")
    if explicit or not bucket:
        return explicit
    origins = []
    if domain := env_str("MEDIA_S3_CUSTOM_DOMAIN"):
        origins.append(f"https://{domain}")
    if endpoint := env_str("MEDIA_S3_ENDPOINT_URL"):
        parsed = urlsplit(endpoint)
        origins += [f"{parsed.scheme}://{parsed.netloc}", f"{parsed.scheme}://{bucket}.{parsed.netloc}"]
    if not origins:
        region = env_str("MEDIA_S3_REGION")
        origins.append(
            f"https://{bucket}.s3.{region}.amazonaws.com" if region else f"https://{bucket}.s3.amazonaws.com"
        )
    return origins


def email_config() -> dict[str, Any]:
    """EMAIL_URL-style choice: console (default), smtp, or locmem (tests)."""
    backend = env_str("EMAIL_BACKEND", "console")
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    }
    if backend not in backends and "." not in backend:
        raise ImproperlyConfiguredEnv(f"EMAIL_BACKEND must be one of {sorted(backends)} or a dotted path.")
    return {
        "EMAIL_BACKEND": backends.get(backend, backend),
        "EMAIL_HOST": env_str("EMAIL_HOST", "localhost"),
        "EMAIL_PORT": env_int("EMAIL_PORT", 25),
        "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER"),
        "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD"),
        "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
        "DEFAULT_FROM_EMAIL": env_str("DEFAULT_FROM_EMAIL", "FitWell Pro <no-reply@fitwell.local>"),
    }


# Development/test only: production must set FIELD_ENCRYPTION_KEY (see config/settings/production.py).
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="


def field_encryption_keys(*, required: bool = False) -> list[str]:
    """Fernet keys for field-level encryption, newest first (older ones only decrypt: key rotation).

    FIELD_ENCRYPTION_KEY is a comma-separated list of url-safe base64 32-byte keys
    (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
    """
    keys = env_list("FIELD_ENCRYPTION_KEY")
    if not keys:
        if required:
            raise ImproperlyConfiguredEnv("The environment variable FIELD_ENCRYPTION_KEY must be set.")
        return [DEV_FIELD_ENCRYPTION_KEY]
    from cryptography.fernet import Fernet

    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfiguredEnv(
                f"FIELD_ENCRYPTION_KEY key #{position} is not a url-safe base64 32-byte Fernet key."
            ) from exc
    return keys
