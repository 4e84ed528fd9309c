"""The plan's limit on active clients, enforced wherever a client is added or comes back."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from billing.platform.models import StudioSubscription
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ApplicationError
from core.models import Role, User
from tenants.models import Studio

UPGRADE_PATH = "/billing/"  # the owner's billing page on the studio host (plans, upgrade)


class ClientLimitReached(ApplicationError):
    """403 with the limit, the count and where to upgrade: the studio must move to a bigger plan."""

    status_code = 403


def active_client_count(*, studio: Studio) -> int:
    """Clients who can sign in (archived clients are inactive and do not count)."""
    with schema_context(studio.schema_name):
        return User.objects.filter(role=Role.CLIENT, is_active=True).count()


def client_limit_check(*, studio: Studio | None = None, adding: int = 1) -> None:
    """Refuse to add `adding` active clients past the plan's limit. Call it in the adding service.

    studio: defaults to the studio whose schema the connection is on (registered with core.people as a
    client admission check, so core and domain code call it without importing billing). A studio
    without a subscription or on a plan without a limit is not limited; one whose plan ended admits nobody
    (code "ended") until a plan is chosen again.
    Raises ClientLimitReached (403, code "client_limit_reached", with `limit`, `active_clients`, `plan`
    and `upgrade_url`).
    """
    if studio is None:
        studio = Studio.objects.filter(schema_name=tenant_connection.schema_name).first()
    if studio is None:
        return
    row = StudioSubscription.objects.select_related("price__plan").filter(studio=studio).first()
    if row is not None and row.status == StudioSubscription.Status.CANCELED:
        raise ClientLimitReached(
            _("Your FitWell Pro plan has ended. Choose a plan to add clients again."),
            code=ErrorCode.SUBSCRIPTION_ENDED,
            extra={
                "limit": 0,
                "active_clients": active_client_count(studio=studio),
                "plan": row.plan.code,
                "upgrade_url": UPGRADE_PATH,
            },
        )
    if row is None or row.plan.client_limit is None:
        return
    count = active_client_count(studio=studio)
    if count + adding > row.plan.client_limit:
        raise ClientLimitReached(
            _(
                "Your %(plan)s plan allows %(limit)d active clients and you have %(count)d. "
                "Upgrade your plan or archive a client to add another."
            )
            % {"plan": row.plan.name, "limit": row.plan.client_limit, "count": count},
            code=ErrorCode.CLIENT_LIMIT_REACHED,
            extra={
                "limit": row.plan.client_limit,
                "active_clients": count,
                "plan": row.plan.code,
                "upgrade_url": UPGRADE_PATH,
            },
        )
