"""Studio provisioning: all-or-nothing, fast (a pooled schema is claimed by rename when one is ready)."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from core.audit import AuditAction, audit_record
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError, ConflictError, NotFoundError, ValidationError
from core.metrics import PROVISIONING
from core.models import Role, User
from core.people import user_fields_check
from core.permissions import require
from core.validation import one_line_problem
from tenants import schema_pool
from tenants.branding import colour_check, logo_prepare
from tenants.models import Domain, HandoffToken, Studio
from tenants.routing import routing_forget

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$")
SLUG_MIN, SLUG_MAX = 3, 40
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "app",
        "static",
        "media",
        "mail",
        "email",
        "smtp",
        "ftp",
        "public",
        "platform",
        "console",
        "dashboard",
        "status",
        "help",
        "support",
        "docs",
        "blog",
        "billing",
        "stripe",
        "auth",
        "login",
        "signup",
        "account",
        "accounts",
        "assets",
        "cdn",
        "dev",
        "staging",
        "test",
        "demo-admin",
        "root",
        "system",
        "template",
        "pool",
        "healthz",
        "readyz",
        "fitwell",
    }
)


@dataclass(frozen=True)
class ProvisionedStudio:
    studio: Studio
    owner: User
    from_pool: bool


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def studio_slug_check(*, slug: str) -> str:
    """The normalised slug, or a ValidationError saying exactly what is wrong with it."""
    slug = (slug or "").strip()
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        raise ValidationError(
            _("The address must be between %(min)d and %(max)d characters long.") % {"min": SLUG_MIN, "max": SLUG_MAX},
            code=ErrorCode.SLUG_LENGTH,
            fields={"slug": _("Use %(min)d to %(max)d characters.") % {"min": SLUG_MIN, "max": SLUG_MAX}},
        )
    if not SLUG_PATTERN.match(slug):
        raise ValidationError(
            _(
                "The address may contain only lowercase letters, digits and hyphens, "
                "and cannot start or end with a hyphen."
            ),
            code=ErrorCode.SLUG_INVALID,
            fields={"slug": _("Use lowercase letters, digits and hyphens.")},
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("The address “%(slug)s” is reserved. Please choose another.") % {"slug": slug},
            code=ErrorCode.SLUG_RESERVED,
            fields={"slug": _("This address is reserved.")},
        )
    if Studio.objects.filter(slug=slug).exists() or schema_exists(schema_pool.studio_schema_name(slug)):
        raise ValidationError(
            _("The address “%(slug)s” is already taken.") % {"slug": slug},
            code=ErrorCode.SLUG_TAKEN,
            fields={"slug": _("This address is already taken.")},
        )
    return slug


def _check_studio_fields(*, name: str, timezone: str, currency: str, locale: str) -> None:
    fields: dict[str, str] = {}
    if not name.strip() or len(name) > 120:
        fields["name"] = _("Give the studio a name of at most 120 characters.")
    elif one_line_problem(name):
        fields["name"] = str(one_line_problem(name))
    if timezone not in _timezones():
        fields["timezone"] = _("“%(tz)s” is not a known time zone.") % {"tz": timezone}
    if not re.fullmatch(r"[A-Z]{3}", currency):
        fields["currency"] = _("Use a three-letter ISO currency code such as USD or EUR.")
    if locale not in dict(settings.LANGUAGES):
        fields["locale"] = _("“%(locale)s” is not a supported language.") % {"locale": locale}
    if fields:
        raise ValidationError(" ".join(fields.values()), code=ErrorCode.STUDIO_INVALID, fields=fields)


def studio_defaults_create(*, studio: Studio, owner: User) -> None:
    """Per-studio default rows (the shared starter data is already in the template schema)."""
    # Domain areas add their per-studio defaults here as they land (e.g. cancellation policy).


@transaction.atomic
def studio_provision(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_password: str,
    owner_first_name: str = "",
    owner_last_name: str = "",
    timezone: str = "UTC",
    currency: str = "USD",
    locale: str = "en",
    owner_email_verified: bool = False,
) -> ProvisionedStudio:
    """Create a live studio: schema, domain, owner, defaults — or nothing at all.

    Everything (including the schema rename or clone, which PostgreSQL runs transactionally)
    happens in one transaction, so a failure at any step leaves no schema, domain or row behind.
    """
    started = time.perf_counter()
    slug = studio_slug_check(slug=slug)
    currency = (currency or "").upper()
    _check_studio_fields(name=name, timezone=timezone, currency=currency, locale=locale)
    owner_email = user_fields_check(
        email=owner_email, password=owner_password, first_name=owner_first_name, last_name=owner_last_name
    )

    schema_name = schema_pool.studio_schema_name(slug)
    from_pool = schema_pool.pool_claim(target=schema_name)
    if not from_pool:
        schema_pool.schema_clone_from_template(schema_name)

    try:
        with transaction.atomic():
            studio = Studio.objects.create(
                schema_name=schema_name,
                slug=slug,
                name=name.strip(),
                timezone=timezone,
                currency=currency,
                locale=locale,
                status=Studio.Status.PROVISIONING,
            )
    except IntegrityError as exc:  # a concurrent sign-up took the slug between the check and the insert
        raise ValidationError(
            _("The address “%(slug)s” is already taken.") % {"slug": slug},
            code=ErrorCode.SLUG_TAKEN,
            fields={"slug": _("This address is already taken.")},
        ) from exc
    Domain.objects.create(domain=f"{slug}.{settings.PLATFORM_DOMAIN}", tenant=studio, is_primary=True)

    with schema_context(schema_name):
        owner = User.objects.create_user(
            email=owner_email,
            password=owner_password,
            first_name=owner_first_name.strip(),
            last_name=owner_last_name.strip(),
            role=Role.OWNER,
        )
        if owner_email_verified:
            EmailAddress.objects.create(user=owner, email=owner.email, primary=True, verified=True)
        studio_defaults_create(studio=studio, owner=owner)

    studio.status = Studio.Status.ACTIVE
    studio.save(update_fields=["status", "updated_at"])
    # The platform trial on the default plan; its Stripe customer and subscription are made after commit.
    from billing.platform.services import subscription_trial_start

    subscription_trial_start(studio=studio)
    routing_forget()  # this process may have remembered the host as unknown

    transaction.on_commit(_schedule_pool_refill)
    elapsed = time.perf_counter() - started
    transaction.on_commit(lambda: PROVISIONING.labels("pool" if from_pool else "template").observe(elapsed))
    return ProvisionedStudio(studio=studio, owner=owner, from_pool=from_pool)


def _schedule_pool_refill() -> None:
    if settings.STUDIO_SCHEMA_POOL_SIZE <= 0:
        return
    from tenants.tasks import studio_pool_refill

    studio_pool_refill.delay()


@transaction.atomic
def studio_client_signup_set(*, studio: Studio, allowed: bool, actor: User, ip: str | None = None) -> Studio:
    """Open or close the studio portal's self sign-up (which only ever creates clients)."""
    require(actor, "studio.update_signup_policy")
    Studio.objects.filter(pk=studio.pk).update(allow_client_signup=allowed, updated_at=dj_timezone.now())
    studio.allow_client_signup = allowed
    routing_forget()
    audit_record(actor=actor, action=AuditAction.STUDIO_SET_SIGNUP_POLICY, target=studio, ip=ip, allowed=allowed)
    return studio


# --- Sign-up and the hand-off to the studio's host ------------------------------------------------

HANDOFF_TTL = timedelta(seconds=60)
# Spent and expired hand-offs are kept this long (for support questions), then swept by the next sign-up.
HANDOFF_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class StudioSignup:
    studio: Studio
    owner: User
    handoff_token: str


@transaction.atomic
def studio_signup(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_password: str,
    owner_first_name: str,
    owner_last_name: str,
    timezone: str,
    currency: str,
    ip: str | None = None,
) -> StudioSignup:
    """Provision the studio and issue the one-time pass that signs its owner in on the studio's host.

    The platform's audit log (public schema) records who opened the studio and from where.
    """
    provisioned = studio_provision(
        slug=slug,
        name=name,
        owner_email=owner_email,
        owner_password=owner_password,
        owner_first_name=owner_first_name,
        owner_last_name=owner_last_name,
        timezone=timezone,
        currency=currency,
    )
    token = handoff_token_create(studio=provisioned.studio, user=provisioned.owner)
    audit_record(
        actor=None,
        action=AuditAction.STUDIO_SIGN_UP,
        target=provisioned.studio,
        ip=ip,
        actor_email=provisioned.owner.email,
    )
    return StudioSignup(studio=provisioned.studio, owner=provisioned.owner, handoff_token=token)


def _handoff_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def handoff_token_create(*, studio: Studio, user: User) -> str:
    """A fresh 256-bit token for `user` of `studio`; only its hash is stored. Returns the token itself."""
    now = dj_timezone.now()
    HandoffToken.objects.filter(expires_at__lt=now - HANDOFF_RETENTION).delete()
    token = secrets.token_urlsafe(32)
    HandoffToken.objects.create(
        token_hash=_handoff_hash(token), studio=studio, user_id=user.pk, created_at=now, expires_at=now + HANDOFF_TTL
    )
    return token


@transaction.atomic
def handoff_token_consume(*, studio: Studio, token: str) -> User:
    """The person the token was issued to, once: the token is spent in the same transaction.

    The row is locked so two simultaneous uses of one link cannot both succeed. A token for another
    studio is reported as unknown (it says nothing about other studios) and is left unspent.
    """
    handoff = HandoffToken.objects.select_for_update().filter(token_hash=_handoff_hash(token or "")).first()
    if handoff is None or handoff.studio_id != studio.pk:
        raise NotFoundError(_("This sign-in link is not valid for this studio."), code=ErrorCode.HANDOFF_INVALID)
    if handoff.used_at is not None:
        raise ApplicationError(
            _("This sign-in link has already been used. Sign in with your email and password."),
            code=ErrorCode.HANDOFF_USED,
        )
    now = dj_timezone.now()
    if handoff.expires_at <= now:
        raise ApplicationError(
            _("This sign-in link has expired. Sign in with your email and password."), code=ErrorCode.HANDOFF_EXPIRED
        )
    with schema_context(studio.schema_name):
        user = User.objects.filter(pk=handoff.user_id, is_active=True).first()
    if user is None:
        raise NotFoundError(_("This sign-in link is not valid for this studio."), code=ErrorCode.HANDOFF_INVALID)
    handoff.used_at = now
    handoff.save(update_fields=["used_at"])
    return user


# --- Branding -------------------------------------------------------------------------------------


@transaction.atomic
def studio_branding_update(
    *,
    studio: Studio,
    actor: User,
    primary_color: str,
    accent_color: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    ip: str | None = None,
) -> Studio:
    """Set the studio's colours and logo; every page, email and the app manifest follow at once.

    Runs on the studio's host: the logo is stored under the studio's schema prefix. Bad input
    (either colour, or a logo that is not a small PNG/JPEG/WebP) changes nothing.
    """
    errors: dict[str, str] = {}
    colours: dict[str, str] = {}
    for field, value in (("primary_color", primary_color), ("accent_color", accent_color)):
        try:
            colours[field] = colour_check(value, field)
        except ValidationError as exc:
            errors.update(exc.extra["fields"])
    prepared = None
    if logo is not None:
        try:
            prepared = logo_prepare(logo)
        except ValidationError as exc:
            errors.update(exc.extra["fields"])
    if errors:
        raise ValidationError(" ".join(errors.values()), code=ErrorCode.BRANDING_INVALID, fields=errors)

    studio = Studio.objects.select_for_update().get(pk=studio.pk)
    old_logo = studio.logo.name
    if prepared is not None:
        studio.logo.save(str(prepared.name), prepared, save=False)
    elif remove_logo:
        studio.logo = ""
    studio.primary_color = colours["primary_color"]
    studio.accent_color = colours["accent_color"]
    studio.save(update_fields=["logo", "primary_color", "accent_color", "updated_at"])
    routing_forget()
    audit_record(
        actor=actor,
        action=AuditAction.STUDIO_UPDATE_BRANDING,
        target=studio,
        ip=ip,
        primary_color=studio.primary_color,
        accent_color=studio.accent_color,
        logo=studio.logo.name,
    )
    if old_logo and old_logo != studio.logo.name:
        schema_name = tenant_connection.schema_name
        transaction.on_commit(lambda: _media_delete(schema_name=schema_name, name=old_logo))
    return studio


def _media_delete(*, schema_name: str, name: str) -> None:
    with schema_context(schema_name):  # media paths are prefixed by the schema the connection is on
        default_storage.delete(name)


# --- Platform console: suspend and reactivate -------------------------------------------------------


@dataclass(frozen=True)
class _StatusTransition:
    source: str
    target: str
    action: AuditAction


_SUSPEND = _StatusTransition(Studio.Status.ACTIVE, Studio.Status.SUSPENDED, AuditAction.STUDIO_SUSPEND)
_REACTIVATE = _StatusTransition(Studio.Status.SUSPENDED, Studio.Status.ACTIVE, AuditAction.STUDIO_REACTIVATE)


def _studio_status_change(
    studio: Studio, transition: _StatusTransition, *, actor: User | None, reason: str, ip: str | None
) -> Studio:
    studio = Studio.objects.select_for_update().get(pk=studio.pk)  # one status change at a time
    if studio.status != transition.source:
        raise ConflictError(
            _("%(name)s is %(status)s, so this cannot be done.")
            % {"name": studio.name, "status": studio.get_status_display().lower()},
            code=ErrorCode.STUDIO_STATUS_CONFLICT,
        )
    studio.status = transition.target
    studio.save(update_fields=["status", "updated_at"])
    routing_forget()  # this process at once; the others within ROUTING_CACHE_SECONDS
    audit_record(actor=actor, action=transition.action, target=studio, ip=ip, reason=reason.strip()[:500])
    return studio


@transaction.atomic
def studio_suspend(*, studio: Studio, actor: User | None, reason: str = "", ip: str | None = None) -> Studio:
    """Take an active studio offline: its pages show "suspended", its API answers 403. Data is kept.

    `actor` None is the platform itself (billing suspends an unpaid studio with reason "unpaid").
    """
    return _studio_status_change(studio, _SUSPEND, actor=actor, reason=reason, ip=ip)


@transaction.atomic
def studio_reactivate(*, studio: Studio, actor: User | None, reason: str = "", ip: str | None = None) -> Studio:
    """Bring a suspended studio back exactly as it was."""
    return _studio_status_change(studio, _REACTIVATE, actor=actor, reason=reason, ip=ip)
