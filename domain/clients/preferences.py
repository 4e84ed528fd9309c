"""A person's preferences as their preferences page shows them, staff and clients alike.

Everything is core's `Preferences` row except a client's units: those stay on their client profile
(`ClientProfile.unit_preference`, which their trainers also set and the client's own pages read), so
there is one place for them; staff's units are on the preferences row, and staff read every client's
weights and lengths in them (`domain.progress.selectors.display_unit_system`).
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from core.models import Units, User
from core.permissions import is_client
from core.preferences import PersonPreferences, preferences_of, preferences_update
from domain.clients.models import ClientProfile
from domain.clients.services import _profile_for_update


def my_preferences(*, person: User) -> PersonPreferences:
    """The person's preferences (`units` from the client profile for a client)."""
    current = preferences_of(person)
    if is_client(person):
        units = ClientProfile.objects.filter(user_id=person.pk).values_list("unit_preference", flat=True).first()
        current = replace(current, units=units or current.units)
    return current


@transaction.atomic
def my_preferences_update(
    *, actor: User, language: str, timezone: str, week_start: int, units: str, ip: str | None = None
) -> PersonPreferences:
    """Save the actor's own preferences; raises ValidationError (`preferences_invalid`) as core's service."""
    client = is_client(actor)
    saved = preferences_update(
        actor=actor,
        language=language,
        timezone=timezone,
        week_start=week_start,
        units=preferences_of(actor).units if client and units in Units.values else units,
        ip=ip,
    )
    if not client:
        return saved
    profile = _profile_for_update(actor)
    if profile.unit_preference != units:
        profile.unit_preference = units
        profile.save(update_fields=["unit_preference", "updated_at"])
    return replace(saved, units=units)
