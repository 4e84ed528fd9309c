"""A person's channels, consent and quiet hours; unsubscribe links; Web Push devices.

Language and time zone are not messaging's: they are the person's account preferences (core.Preferences,
`core.preferences`), the one store every page, email, push, SMS and reminder reads. Messaging's API and
settings still accept them for compatibility and write them there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ValidationError
from core.models import Preferences as CorePreferences
from core.models import User
from core.permissions import require
from core.preferences import preferences_of, preferences_update, supported_language, zone_known
from core.studio_time import studio_zone
from domain.messaging.models import Preference, PushSubscription

CONSENT_FIELDS = tuple(f"{c}_{k}" for c in ("email", "push", "sms") for k in ("service", "marketing"))
UNSUBSCRIBE_SALT = "messaging.unsubscribe"


def preference_of(user: User) -> Preference:
    """The person's preferences (an unsaved row with the defaults when they never chose)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, code=ErrorCode.PREFERENCE_INVALID, fields={field: message})


def _account_changes(changes: dict[str, Any]) -> dict[str, str]:
    """The `timezone` / `language` of `changes`, checked (ValidationError `preference_invalid` by field)."""
    found: dict[str, str] = {}
    if changes.get("timezone") is not None:
        zone = changes["timezone"].strip()
        if zone and not zone_known(zone):
            raise _invalid("timezone", _("Unknown time zone."))
        found["timezone"] = zone
    if changes.get("language") is not None:
        language = changes["language"].strip()
        if language and supported_language(language) is None:
            raise _invalid("language", _("“%(code)s” is not a language we speak.") % {"code": language})
        found["language"] = supported_language(language) or ""
    return found


@transaction.atomic
def preference_update(*, actor: User, changes: dict[str, Any]) -> Preference:
    """Change one's own preferences: consent flags (`email_marketing`, ...), `quiet_start`/`quiet_end`
    (times, both or neither); `timezone` (IANA name or "") and `language` (one we speak, or "") go to the
    person's account preferences (core's, audited there). Turning a marketing channel on records when
    consent was given. Raises ValidationError (`preference_invalid`); nothing changes then."""
    require(actor, "notifications.preferences")
    account = _account_changes(changes)
    pref, _created = Preference.objects.select_for_update().get_or_create(user=actor)
    for name in CONSENT_FIELDS:
        if name in changes and changes[name] is not None:
            value = bool(changes[name])
            if name.endswith("_marketing") and value and not getattr(pref, name):
                pref.marketing_consented_at = timezone.now()
            setattr(pref, name, value)
    if "quiet_start" in changes or "quiet_end" in changes:
        start, end = changes.get("quiet_start"), changes.get("quiet_end")
        if (start is None) != (end is None) or (start is not None and start == end):
            raise _invalid("quiet_start", _("Give both ends of the quiet hours, and different ones."))
        pref.quiet_start, pref.quiet_end = start, end
    pref.save()
    if account:
        current = preferences_of(actor)
        preferences_update(
            actor=actor,
            language=account.get("language", current.language),
            timezone=account.get("timezone", current.timezone),
            week_start=current.week_start,
            units=current.units,
        )
    return pref


def person_setting(user_id: int | None, name: str) -> str:
    """The person's `timezone` or `language` from their account preferences (core.Preferences), else ""
    (the studio's). One query; none for an unsaved person."""
    if user_id is None:
        return ""
    return CorePreferences.objects.filter(user_id=user_id).values_list(name, flat=True).first() or ""


def zone_of(pref: Preference) -> ZoneInfo:
    """The person's display zone (their account preferences), else the studio's."""
    zone = person_setting(pref.user_id, "timezone")
    return ZoneInfo(zone) if zone and zone_known(zone) else studio_zone()


def quiet_until(pref: Preference, now: datetime) -> datetime | None:
    """When the person's quiet hours end if `now` falls in them (UTC), else None. Quiet hours may span
    midnight (22:00-07:00); they are wall-clock times in the person's zone, so they follow clock changes."""
    if pref.quiet_start is None or pref.quiet_end is None:
        return None
    zone = zone_of(pref)
    local = now.astimezone(zone)
    start, end, clock = pref.quiet_start, pref.quiet_end, local.time()
    inside = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(now.tzinfo)


def unsubscribe_token(*, user_id: int, channel: str, category: str) -> str:
    """A signed, non-expiring token for a one-click unsubscribe link (bound to this studio's schema)."""
    payload = {"s": tenant_connection.schema_name, "u": user_id, "c": channel, "k": category}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str, str]:
    """Turn off what the token names (no sign-in needed): returns (person, channel, category). Raises
    ValidationError (`unsubscribe_invalid`) for a forged token or one of another studio."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        if payload["s"] != tenant_connection.schema_name or payload["c"] not in ("email", "push", "sms"):
            raise KeyError("s")
        user = User.objects.get(pk=payload["u"])
        category = payload["k"] if payload["k"] in ("service", "marketing") else "marketing"
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist) as exc:
        raise ValidationError(_("This unsubscribe link is not valid."), code=ErrorCode.UNSUBSCRIBE_INVALID) from exc
    pref, _created = Preference.objects.select_for_update().get_or_create(user=user)
    setattr(pref, f"{payload['c']}_{category}", False)
    pref.save()
    return user, payload["c"], category


def push_subscribe(*, actor: User, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Register (or move to the actor) one browser's Web Push subscription (its PushSubscription JSON)."""
    require(actor, "notifications.preferences")
    if not endpoint.startswith("https://") and not endpoint.startswith("http://127.0.0.1"):
        raise ValidationError(_("Not a push endpoint."), code=ErrorCode.PUSH_SUBSCRIPTION_INVALID)
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100 or len(endpoint) > 1000:
        raise ValidationError(_("Incomplete push subscription."), code=ErrorCode.PUSH_SUBSCRIPTION_INVALID)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": actor, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]}
    )
    return subscription


def push_unsubscribe(*, actor: User, endpoint: str) -> int:
    require(actor, "notifications.preferences")
    return PushSubscription.objects.filter(user=actor, endpoint=endpoint).delete()[0]
