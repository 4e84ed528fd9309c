"""Public facts about the studio this host serves (for the web app's manifest and the login screen)."""

from ninja import Router, Schema

from tenants.http import TenantRequest

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
