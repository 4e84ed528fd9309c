"""Production: every secret from the environment, HTTPS everywhere."""

from config import env
from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING, MIDDLEWARE, STATIC_ROOT, STATIC_STORAGE_HASHED, STORAGES

DEBUG = False
SECRET_KEY = env.env_str("SECRET_KEY", required=True)
FIELD_ENCRYPTION_KEYS = env.field_encryption_keys(required=True)
DATABASES = {"default": env.database_config(default_url=env.env_str("DATABASE_URL", required=True))}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Health probes come over plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Links in emails (verification, password reset, invitations) always use https.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
STRIPE_SECRET_KEY = env.env_str("STRIPE_SECRET_KEY", required=True)
STRIPE_API_BASE = env.env_str("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_WEBHOOK_SECRET = env.env_str("STRIPE_WEBHOOK_SECRET", required=True)
STRIPE_CONNECT_WEBHOOK_SECRET = env.env_str("STRIPE_CONNECT_WEBHOOK_SECRET", required=True)

# Static files from the image (collected at build time, config/settings/build.py), served by WhiteNoise
# right after the security middleware: no separate static server is needed.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
if (STATIC_ROOT / "staticfiles.json").is_file():  # collected with hashed names (the image's build does it)
    STORAGES = {**STORAGES, "staticfiles": STATIC_STORAGE_HASHED}
# One JSON object per log line (LOG_FORMAT=plain to read them by eye).
LOG_FORMAT = env.env_str("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # type: ignore[index]  # a dictConfig dict
