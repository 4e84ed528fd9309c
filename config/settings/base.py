"""Settings shared by every environment. Values that vary come from config/env.py."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
# Field-level encryption of sensitive columns (health history): newest key first, see core/crypto.py.
FIELD_ENCRYPTION_KEYS = env.field_encryption_keys()
DEBUG = env.env_bool("DEBUG", False)

PLATFORM_DOMAIN = env.env_str("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_NAME = "FitWell Pro"
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *env.env_list("EXTRA_ALLOWED_HOSTS")]

# --- Tenancy (django-tenants) -----------------------------------------------------------------
# `tenants` comes first so its migrate/migrate_schemas commands (which also keep the template
# and the pooled schemas migrated) take precedence over django-tenants' own.
SHARED_APPS = [
    "tenants",
    # django.contrib.admin, for platform staff only; listed before django_tenants so the admin's own
    # index templates are used (django_tenants' copies expect request.tenant to be a Studio on public).
    "tenants.admin_apps.PlatformAdminConfig",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "core",
    "allauth",
    "allauth.account",
    "billing.platform",
    # The API docs' Swagger UI from our own static files (works offline and under the CSP), not a CDN.
    "ninja",
    "csp",
    "corsheaders",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "core",
    "allauth",
    "allauth.account",
    "portal",
    "domain.scheduling",
    # --- clients, library, programs (issue 4)
    "domain.clients",
    "domain.library",
    "domain.programs",
    # --- workouts, progress (issue 5)
    "domain.workouts",
    "domain.progress",
    # --- form-check videos (issue 14)
    "domain.videos",
    "domain.nutrition",
    # --- studio commerce (issue 13)
    "billing.payments",
    # --- settings and privacy (issue 18): exports, erasure, retention
    "domain.privacy",
    # --- messaging, notifications, automations (issue 15)
    "domain.messaging",
    # --- analytics (issue 17)
    "domain.analytics",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Studio"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New studios are cloned from this schema (kept migrated by migrate_schemas) instead of migrated.
TENANT_BASE_SCHEMA = "studio_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# migrate_schemas groups every schema (studios, template, pool) by its applied migrations: a no-op deploy
# reads 1,000 studios in a few queries, and a pending migration is planned once and replayed per schema
# (tenants/migration_executor.py) instead of running Django's whole `migrate` in each.
GET_EXECUTOR_FUNCTION = "tenants.migration_executor.load_executor"
# How many ready-made studio schemas provisioning keeps cloned ahead of time (see tenants/pool.py).
STUDIO_SCHEMA_POOL_SIZE = env.env_int("STUDIO_SCHEMA_POOL_SIZE", 3)
# A closed studio's data (schema, media, platform rows) is kept this many days, then erased (tenants/lifecycle.py).
STUDIO_RETENTION_DAYS = env.env_int("STUDIO_RETENTION_DAYS", 90)

DATABASES = {"default": env.database_config()}
# One `SET search_path` when a connection changes schema, not one per query (core/db/backend).
TENANT_LIMIT_SET_CALLS = True
# How long each process trusts what it knows of a host's studio (tenants/routing.py): a suspension
# or a domain change reaches every worker within this many seconds.
ROUTING_CACHE_SECONDS = float(env.env_str("ROUTING_CACHE_SECONDS", "1"))
# How long each process trusts what it read of an access token's person (active, role): core/tokens.py.
PERSON_CACHE_SECONDS = float(env.env_str("PERSON_CACHE_SECONDS", "1"))
# How long each process trusts what it read of a studio's scheduling and commerce policies: core/memo.py.
POLICY_CACHE_SECONDS = float(env.env_str("POLICY_CACHE_SECONDS", "1"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # Request rate, latency and errors by route and studio tier (core/metrics.py): outermost but the id.
    "core.metrics.RequestMetricsMiddleware",
    # Before routing, so the pages routing answers itself (unknown or suspended studio) carry them too.
    "corsheaders.middleware.CorsMiddleware",
    "core.csp.CSPMiddleware",  # django-csp, its common header built once (core/csp.py)
    "core.middleware.ApiErrorMiddleware",
    "tenants.middleware.StudioRoutingMiddleware",
    "core.middleware.StudioTimeZoneMiddleware",  # the studio's zone for templates and forms
    "core.input.InputGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Django's LocaleMiddleware, knowing the person and the studio: their language and display zone.
    "core.preferences.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.branding",
                "csp.context_processors.nonce",
            ],
            # `|date` in the active language's order: "Freitag, 4. Dezember 2026" (docs/i18n.md)
            "builtins": ["core.templatetags.local_dates"],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (django-allauth): email + password, the same pages on every host --------------------
# People live in the schema of the host they sign in at (studio people on its subdomain, platform
# staff on the public host); core/accounts/adapter.py brands pages and emails and applies the lockout.
# allauth's backend, loading the person's preferences with them (core/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["core.accounts.backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"  # a studio's portal
PLATFORM_LOGIN_REDIRECT_URL = "/console/"  # platform staff on the public host
ACCOUNT_ADAPTER = "core.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "core.accounts.forms.NameSignupForm"
ACCOUNT_FORMS = {"add_email": "core.accounts.email_change.ChangeEmailForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Optional: people the studio created (owner, invited, added by command) need no extra step; a
# self sign-up is sent a verification link, and a changed address only takes effect once verified.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
# Keys stored in the studio's schema, not HMAC-signed primary keys: a signed key carries only the
# EmailAddress id, which another studio's schema reuses, so a link could verify someone elsewhere.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "core.accounts.tokens.StudioPasswordResetTokenGenerator"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Links in emails are built from the request (its host, its scheme); production forces https.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# allauth's own "login_failed" limit (5 per account from anywhere) would contradict our lockout
# (10 failures for an account from one address, core/security.py), so that one limit is off.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
INVITATION_VALID_DAYS = 7

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language switcher's choice, for visitors who do not sign in
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Request bodies (core/input.py): JSON and plain forms up to 2.5 MB, multipart uploads (photos,
# logos, each file checked again by its own limit) up to 12 MB; larger ones answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_UPLOAD_BYTES = 12 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.env_str("STATIC_ROOT", str(BASE_DIR / ".data" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
STORAGES = {
    "default": env.storage_config(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Production (and the image build's collectstatic, config/settings/build.py): hashed, compressed copies
# that WhiteNoise serves with far-future caching; a name missing from the manifest is served unhashed.
STATIC_STORAGE_HASHED = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
WHITENOISE_MANIFEST_STRICT = False

# --- Form-check videos (domain/videos; docs/videos.md) ------------------------------------------
VIDEO_MAX_BYTES = env.env_int("VIDEO_MAX_BYTES", 200 * 1024 * 1024)
VIDEO_MAX_SECONDS = env.env_int("VIDEO_MAX_SECONDS", 180)
VIDEO_CHUNK_BYTES = env.env_int("VIDEO_CHUNK_BYTES", 4 * 1024 * 1024)  # filesystem uploads: largest chunk
VIDEO_UPLOAD_TTL_SECONDS = env.env_int("VIDEO_UPLOAD_TTL_SECONDS", 3600)  # a presigned POST's life
VIDEO_URL_TTL_SECONDS = env.env_int("VIDEO_URL_TTL_SECONDS", 900)  # a signed address of a file
VIDEO_RENDITION_MAX_SIDE = env.env_int("VIDEO_RENDITION_MAX_SIDE", 720)  # the rendition's shorter side, px
# What ffprobe must find (its format names; it lists aliases): phones write MP4/MOV or 3GP, browsers'
# MediaRecorder WebM or Matroska; and the video codecs accepted in them.
VIDEO_CONTAINERS = env.env_list("VIDEO_CONTAINERS", ["mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm"])
VIDEO_CODECS = env.env_list("VIDEO_CODECS", ["h264", "hevc", "vp8", "vp9", "av1", "mpeg4"])
VIDEO_FFMPEG = env.env_str("VIDEO_FFMPEG", "ffmpeg")
VIDEO_FFPROBE = env.env_str("VIDEO_FFPROBE", "ffprobe")
VIDEO_FFMPEG_TIMEOUT = env.env_int("VIDEO_FFMPEG_TIMEOUT", 900)  # seconds for one ffmpeg run
VIDEO_WORK_DIR = env.env_str("VIDEO_WORK_DIR")  # local scratch space of processing (default: system temp)

# --- Cache, Celery ------------------------------------------------------------------------------
REDIS_URL = env.env_str("REDIS_URL", env.DEFAULT_REDIS_URL)
CACHES = {"default": env.cache_config(REDIS_URL)}
CELERY_BROKER_URL = env.env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env.env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env.env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# The worker logs through LOGGING above (JSON in production) instead of replacing the root logger's handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Sweeps run in the public schema and queue one task per active studio, which runs in its schema.
CELERY_BEAT_SCHEDULE = {
    "scheduling-reminders": {"task": "scheduling.reminders_sweep", "schedule": 60.0},
    "scheduling-recurrences": {"task": "scheduling.recurrences_sweep", "schedule": 6 * 3600.0},
    # A safety net: sign-ups refill the pool after commit; this tops it up if a refill was ever lost.
    "tenants-pool-refill": {"task": "tenants.studio_pool_refill", "schedule": 300.0},
    # Closed studios past their retention period are erased (audited); once a day is plenty.
    "tenants-erase-closed": {"task": "tenants.studios_erase_due", "schedule": 24 * 3600.0},
    # Studios unpaid for BILLING_UNPAID_SUSPEND_DAYS are suspended (public schema, one query).
    "billing-dunning": {"task": "billing.dunning_sweep", "schedule": 3600.0},
    # Studio commerce: membership renewals, fees past their waive window, overdue-invoice reminders.
    "payments-due-work": {"task": "payments.due_work_sweep", "schedule": 15 * 60.0},
    # Expired data exports, and media older than each studio's retention policy keeps (docs/privacy.md).
    "privacy-retention": {"task": "privacy.retention_sweep", "schedule": 3600.0},
    # Messaging: deliveries held by quiet hours or waiting for a retry; automations; archival.
    "messaging-deliveries": {"task": "messaging.deliveries_sweep", "schedule": 60.0},
    "messaging-automations": {"task": "messaging.automations_sweep", "schedule": 15 * 60.0},
    "messaging-archive": {"task": "messaging.archive_sweep", "schedule": 24 * 3600.0},
    # Analytics: today so far and yesterday per studio (engagement, at-risk flags, business figures).
    "analytics-days": {"task": "analytics.sweep", "schedule": 3600.0},
}

# --- Email --------------------------------------------------------------------------------------
_email = env.email_config()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
DEFAULT_FROM_EMAIL = _email["DEFAULT_FROM_EMAIL"]

# --- Security defaults --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy on every response (django-csp; docs/api.md "Security headers"): scripts and
# styles only from our own static files, or inline with the response's nonce (`{{ CSP_NONCE }}`);
# no inline event handlers, no eval, no framing, forms post only to ourselves. Media (logos, photos,
# videos) may also come from the bucket's origin.
_MEDIA_SOURCES = [SELF, "data:", "blob:", *env.media_origins()]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": _MEDIA_SOURCES,
        "media-src": _MEDIA_SOURCES,
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Sign-up posts on the public host and lands on the new studio's own subdomain (any port: development).
        "form-action": [SELF, f"{PLATFORM_DOMAIN}:*", f"*.{PLATFORM_DOMAIN}:*"],
        "frame-ancestors": [NONE],
        **({"report-uri": [env.env_str("CSP_REPORT_URI")]} if env.env_str("CSP_REPORT_URI") else {}),
    },
}
# CORS (django-cors-headers): only the API, and only for the origins the platform lists (none by
# default: the portal and the API docs are same-origin). Tokens travel in headers, not cookies.
CORS_ALLOWED_ORIGINS = env.env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]

SENTRY_DSN = env.env_str("SENTRY_DSN")

# --- Metrics (core/metrics.py; docs/operations.md "Observability") ---------------------------------------
METRICS_ENABLED = env.env_bool("METRICS_ENABLED", True)
# /metrics answers a bearer token, or a scraper connecting straight (no proxy) from these networks.
METRICS_TOKEN = env.env_str("METRICS_TOKEN")
METRICS_INTERNAL_NETWORKS = env.env_list("METRICS_INTERNAL_NETWORKS", ["127.0.0.0/8", "::1/128"])
METRICS_PORT = env.env_int("METRICS_PORT", 9100)  # a Celery worker's own exposition
METRICS_CELERY_QUEUES = env.env_list("CELERY_QUEUES", [CELERY_TASK_DEFAULT_QUEUE])  # whose depth /metrics reports
METRICS_TIER_FUNCTION = "tenants.observability.request_tier"
METRICS_COLLECTORS = ["tenants.observability.PlatformCollector"]

# Plain text for people (`make run`), one JSON object per line for machines (production's default):
# both carry the studio and the request id (core/logging.py; a Celery task's are its schema and task id).
LOG_FORMAT = env.env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise env.ImproperlyConfiguredEnv("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [studio=%(studio)s request=%(request_id)s] %(name)s: %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(studio)s %(request_id)s",
            # Not "request": Django's own request logger puts the request object under that name.
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # It warns once per schema it skips (1,000 lines on a no-op deploy); skipping is the normal case.
        "django_tenants_smart_executor": {"level": "ERROR"},
    },
}

if SENTRY_DSN:
    from core.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env.env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- API tokens, rate limits ----------------------------------------------------------------------
JWT_SIGNING_KEY = env.env_str("JWT_SIGNING_KEY")  # defaults to SECRET_KEY when empty
JWT_ACCESS_TTL_SECONDS = env.env_int("JWT_ACCESS_TTL_SECONDS", 15 * 60)
JWT_REFRESH_TTL_SECONDS = env.env_int("JWT_REFRESH_TTL_SECONDS", 30 * 24 * 3600)
# Parallel refreshes with one token within this many seconds of its rotation all get its successor.
JWT_REFRESH_GRACE_SECONDS = env.env_int("JWT_REFRESH_GRACE_SECONDS", 10)
API_RATE_LIMIT_PER_MINUTE = env.env_int("API_RATE_LIMIT_PER_MINUTE", 100)
SIGNUP_RATE_LIMIT_PER_HOUR = env.env_int("SIGNUP_RATE_LIMIT_PER_HOUR", 10)  # studio sign-ups per address
SLUG_CHECK_RATE_LIMIT_PER_MINUTE = env.env_int("SLUG_CHECK_RATE_LIMIT_PER_MINUTE", 120)
TRUSTED_PROXY_HOPS = env.env_int("TRUSTED_PROXY_HOPS", 0)

# --- Stripe (billing/): platform billing and Connect ---------------------------------------------------
# Without a key (development, tests) the platform talks to the local fake Stripe server at
# STRIPE_API_BASE (tests/fakes/stripe_server.py, started by `make run` and by the test session).
STRIPE_SECRET_KEY = env.env_str("STRIPE_SECRET_KEY")
STRIPE_FAKE = not STRIPE_SECRET_KEY  # `make run` starts the fake server when this is true
STRIPE_API_BASE = env.env_str("STRIPE_API_BASE", "http://127.0.0.1:12111" if STRIPE_FAKE else "https://api.stripe.com")
STRIPE_SECRET_KEY = STRIPE_SECRET_KEY or "sk_test_fake"
STRIPE_LIVEMODE = env.env_bool("STRIPE_LIVEMODE", False)  # events whose livemode differs are refused
STRIPE_WEBHOOK_SECRET = env.env_str("STRIPE_WEBHOOK_SECRET", "whsec_fake_platform")
STRIPE_CONNECT_WEBHOOK_SECRET = env.env_str("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_fake_connect")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
STRIPE_CONNECT_COUNTRY = env.env_str("STRIPE_CONNECT_COUNTRY", "US")
# Dunning: a studio whose renewal stays unpaid this many days after the first failure is suspended.
BILLING_UNPAID_SUSPEND_DAYS = env.env_int("BILLING_UNPAID_SUSPEND_DAYS", 14)
# Links in emails written by tasks (no request): the port studios are served on, if not 80/443.
PLATFORM_URL_PORT = env.env_str("PLATFORM_URL_PORT", "")
BILLING_DEFAULT_PLAN = env.env_str("BILLING_DEFAULT_PLAN", "starter")  # the plan a sign-up's trial starts on

# --- Messaging and notifications (domain/messaging, domain/notifications; docs/messaging.md) -------------
# The channel layer carries live events to sockets (Redis; one group per person per studio).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [env.channel_layer_host(env.env_str("CHANNEL_LAYER_REDIS_URL", REDIS_URL))],
            "prefix": "fitwell-asgi",
        },
    }
}
# Web Push (VAPID): generate a key pair once (docs/messaging.md); without a private key push is off.
WEBPUSH_VAPID_PUBLIC_KEY = env.env_str("WEBPUSH_VAPID_PUBLIC_KEY")
WEBPUSH_VAPID_PRIVATE_KEY = env.env_str("WEBPUSH_VAPID_PRIVATE_KEY")
WEBPUSH_VAPID_SUBJECT = env.env_str("WEBPUSH_VAPID_SUBJECT", f"mailto:support@{PLATFORM_DOMAIN}")
# SMS through a Twilio-style API; without an account SID SMS is off.
SMS_API_BASE = env.env_str("SMS_API_BASE", "https://api.twilio.com")
SMS_ACCOUNT_SID = env.env_str("SMS_ACCOUNT_SID")
SMS_AUTH_TOKEN = env.env_str("SMS_AUTH_TOKEN")
SMS_FROM = env.env_str("SMS_FROM")
MESSAGING_POLL_SECONDS = env.env_int("MESSAGING_POLL_SECONDS", 5)  # pages without a socket poll this often
