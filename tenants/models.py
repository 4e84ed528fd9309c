"""The platform's record of studios (public schema)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1A2B3C."))


def studio_logo_path(instance: Studio, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"branding/logo-{dj_timezone.now():%Y%m%d%H%M%S}.{extension}"


class Studio(TenantMixin):
    """A fitness business: its own schema, subdomain, branding and locale."""

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Provisioning")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROVISIONING)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    locale = models.CharField(_("language"), max_length=10, default="en")
    logo = models.ImageField(_("logo"), upload_to=studio_logo_path, blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1F6FEB", validators=[HEX_COLOUR])
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#F97316", validators=[HEX_COLOUR])
    # On the Studio (public schema) rather than in the studio's schema, so the console can show it.
    allow_client_signup = models.BooleanField(
        _("clients may sign themselves up"),
        default=False,
        help_text=_("When on, anyone can create a client account on the studio's portal."),
    )
    # Contact details shown to clients (the legal details printed on invoices live with the studio's
    # billing settings, billing.payments.CommercePolicy, so they are never kept twice).
    contact_email = models.EmailField(_("contact email"), max_length=254, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    address = models.TextField(_("address"), max_length=500, blank=True)
    # How the studio's emails are signed (core/emails.py): "<sender name> <platform address>", replies
    # to `email_reply_to`. Blank: the studio's name, and replies go to the platform address.
    email_sender_name = models.CharField(_("email sender name"), max_length=80, blank=True)
    email_reply_to = models.EmailField(_("reply-to address"), max_length=254, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # When the studio was closed: its data is kept STUDIO_RETENTION_DAYS from then, then erased
    # (tenants/lifecycle.py).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Provisioning (tenants/services.py) creates the schema itself, inside its own transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slug__regex=r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$"), name="studio_slug_format"
            ),
            models.CheckConstraint(
                condition=models.Q(primary_color__regex=r"^#[0-9a-fA-F]{6}$"), name="studio_primary_color_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(accent_color__regex=r"^#[0-9a-fA-F]{6}$"), name="studio_accent_color_hex"
            ),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="studio_currency_iso"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @classmethod
    def active_schema_names(cls) -> list[str]:
        """The schemas of the studios that are live: what `core.tenancy.studios_fan_out` visits."""
        return list(cls.objects.filter(status=cls.Status.ACTIVE).order_by("pk").values_list("schema_name", flat=True))


class Domain(DomainMixin):
    """A host name that routes to a studio (`<slug>.<PLATFORM_DOMAIN>`, later custom domains)."""


class PooledSchema(models.Model):
    """A studio schema cloned from the template ahead of time, waiting to be claimed by a sign-up."""

    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name


class HandoffToken(models.Model):
    """A one-time pass from the public sign-up to the new studio's host, where it signs the owner in.

    Sessions are per host (and per schema), so the sign-up cannot share a cookie with the studio;
    this carries the sign-in across instead. Only a SHA-256 of the token is kept, so a database
    read does not yield a usable link; it lives 60 seconds and works once.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="handoff_tokens")
    # The person lives in the studio's schema, so no foreign key can reach them from public.
    user_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=dj_timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="handoff_expires_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="handoff_expiry"),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(used_at__gte=models.F("created_at")),
                name="handoff_used_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"handoff to {self.studio_id} for user {self.user_id}"


class TemplateSnapshot(models.Model):
    """The studio template's DDL as pg_dump wrote it, replayed to make a new studio schema quickly.

    django-tenants' clone function introspects the whole catalog for every object it copies, so it
    slows down as studios (and their tables) accumulate; replaying this DDL does not. A snapshot is
    valid only for the template's exact set of applied migrations (`fingerprint`).
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    pre_data = models.TextField()
    post_data = models.TextField()
    data_tables = models.JSONField(default=list)
    sequences = models.JSONField(default=list)
    created_at = models.DateTimeField(default=dj_timezone.now)

    def __str__(self) -> str:
        return f"template snapshot {self.fingerprint[:12]}"
