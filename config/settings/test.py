"""Tests: fast hashing, in-memory email, no pool refills in the background."""

from config.settings import base as _base
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
POLICY_CACHE_SECONDS = 0  # and the studio's policies (tests/core/test_memo.py turns it on)
PERSON_CACHE_SECONDS = 0  # likewise the token's person (tests/core/test_api_auth.py turns it on)
# Request metrics (core/metrics.py) stay out of every other test's way (query and call counts);
# tests/ops turns them on where it tests them.
METRICS_ENABLED = False

# Under pytest-xdist (`-n 2`, as CI runs) each worker process is a test session of its own: pytest-django
# gives it its own test database (test_<name>_gw<N>), and here it gets its own Redis database (the tests
# flush theirs: cache.clear(), queue purges) and media root. Worker gw0 keeps the configured Redis database;
# gwN takes the one N below it (wrapping at 0), so `REDIS_URL=.../15` gives gw0 15 and gw1 14.
_XDIST_WORKER = env.env_str("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER:
    _index = int(_XDIST_WORKER.removeprefix("gw"))
    _server, _, _db = _base.REDIS_URL.rpartition("/")
    if _server.startswith("redis") and _db.isdigit():
        REDIS_URL = f"{_server}/{(int(_db) - _index) % 16}"
        CACHES = {"default": env.cache_config(REDIS_URL)}
        CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
        if not env.env_str("CHANNEL_LAYER_REDIS_URL"):  # the WebSocket groups too (messaging's tests)
            CHANNEL_LAYERS = {
                "default": {
                    "BACKEND": _base.CHANNEL_LAYERS["default"]["BACKEND"],
                    "CONFIG": {"hosts": [env.channel_layer_host(REDIS_URL)], "prefix": "fitwell-asgi"},
                }
            }
    MEDIA_ROOT = _base.MEDIA_ROOT.with_name(f"{_base.MEDIA_ROOT.name}-{_XDIST_WORKER}")
