"""Public facts about the studio this host serves (for the web app's manifest and the login screen)."""

from ninja import Field, Router, Schema

from core.http import client_ip
from tenants.http import StudioRequest, TenantRequest
from tenants.studio_settings import EDITABLE, StudioSettings, studio_settings_get, studio_settings_update

router = Router(tags=["studio"])


class StudioOut(Schema):
    name: str
    slug: str
    timezone: str
    currency: str
    locale: str
    primary_color: str
    accent_color: str
    logo_url: str


@router.get("", response=StudioOut, auth=None, summary="The studio this host serves")
def studio_detail(request: TenantRequest) -> StudioOut:
    studio = request.tenant
    return StudioOut(
        name=studio.name,
        slug=studio.slug,
        timezone=studio.timezone,
        currency=studio.currency,
        locale=studio.locale,
        primary_color=studio.primary_color,
        accent_color=studio.accent_color,
        logo_url=studio.logo.url if studio.logo else "",
    )


class StudioSettingsOut(Schema):
    name: str
    contact_email: str
    contact_phone: str
    website: str
    address: str
    timezone: str
    currency: str
    currency_locked: bool
    locale: str
    allow_client_signup: bool
    email_sender_name: str
    email_reply_to: str


class StudioSettingsIn(Schema):
    """Only the fields sent change (PATCH)."""

    name: str | None = Field(default=None, max_length=120)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=32)
    website: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    timezone: str | None = Field(default=None, max_length=64)
    currency: str | None = Field(default=None, max_length=3)
    locale: str | None = Field(default=None, max_length=10)
    allow_client_signup: bool | None = None
    email_sender_name: str | None = Field(default=None, max_length=80)
    email_reply_to: str | None = Field(default=None, max_length=254)


def _settings_out(current: StudioSettings) -> StudioSettingsOut:
    studio = current.studio
    return StudioSettingsOut(
        currency_locked=current.currency_locked, **{name: getattr(studio, name) for name in EDITABLE}
    )


@router.get("/settings", response=StudioSettingsOut, summary="The studio's settings (owner)")
def studio_settings(request: StudioRequest) -> StudioSettingsOut:
    return _settings_out(studio_settings_get(actor=request.user, studio=request.tenant))


@router.patch("/settings", response=StudioSettingsOut, summary="Change the studio's settings (owner; audited)")
def studio_settings_patch(request: StudioRequest, payload: StudioSettingsIn) -> StudioSettingsOut:
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    current = studio_settings_update(actor=request.user, studio=request.tenant, ip=client_ip(request), **changes)
    return _settings_out(current)
