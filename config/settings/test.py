"""Tests: fast hashing, in-memory email, no pool refills in the background."""

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Tests fill the pool explicitly where they exercise it.
STUDIO_SCHEMA_POOL_SIZE = 0
# Each test sees the studios as they are this instant (tests change statuses with plain updates);
# tests/tenants/test_request_path.py turns the per-process host cache on where it tests it.
ROUTING_CACHE_SECONDS = 0
# Request metrics (core/metrics.py) stay out of every other test's way (query and call counts);
# tests/ops turns them on where it tests them.
METRICS_ENABLED = False
