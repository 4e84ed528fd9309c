"""Language and time zone live in one place, the person's account preferences (core.Preferences).

Messaging used to keep its own copy and read it first, so a person whose messaging row said Spanish and
whose account said German got Spanish emails under German pages. The migration moved what only messaging
held into core; after it, core's answer is the one every email, push, SMS and reminder uses.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Preferences
from domain.messaging import services
from domain.messaging.models import Delivery
from domain.scheduling import services as scheduling
from domain.scheduling.services.reminders import reminders_schedule
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory
from tests.fakes.notify_servers import fake_service

BEFORE, AFTER = ("messaging", "0002_automation_send_context"), ("messaging", "0003_language_and_zone_to_core")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.fixture
def migrated_people(tenant):
    """Three people as the old schema stored them, then the migration run in the studio's schema:
    (both: messaging Spanish + Tokyo, core German; only_messaging: Spanish + Madrid; junk: no language)."""
    both, only_messaging, junk = ClientFactory(), ClientFactory(), ClientFactory()
    Preferences.objects.create(user=both, language="de")
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        for person, language, zone in ((both, "es", "Asia/Tokyo"), (only_messaging, "es", "Europe/Madrid"),
                                       (junk, "xx", "Mars/Olympus")):  # fmt: skip
            cursor.execute(
                "INSERT INTO messaging_preference (user_id, email_service, email_marketing, push_service,"
                " push_marketing, sms_service, sms_marketing, language, timezone, updated_at)"
                " VALUES (%s, true, false, true, false, true, false, %s, %s, now())",
                [person.pk, language, zone],
            )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the rows' keys now: ALTER TABLE waits for none
    _migrate(AFTER)
    return both, only_messaging, junk


@pytest.mark.slow
def test_the_migration_moves_what_only_messaging_held_and_core_wins_where_both_did(migrated_people):
    both, only_messaging, junk = migrated_people
    # core's language stays; the zone only messaging held moves
    assert Preferences.objects.values_list("language", "timezone").get(user=both) == ("de", "Asia/Tokyo")
    assert Preferences.objects.values_list("language", "timezone").get(user=only_messaging) == ("es", "Europe/Madrid")
    # what was no language or zone meant "the studio's": nothing to move
    assert not Preferences.objects.filter(user=junk).exists()
    # messaging kept its own settings (consent) and lost the copies
    assert services.preference_of(both).email_service is True
    assert not hasattr(services.preference_of(both), "language")


@pytest.mark.slow
def test_after_the_migration_every_channel_and_reminder_speaks_cores_language(migrated_people, settings):
    both, _only, _junk = migrated_people
    both.phone = "+447700900123"
    both.save()
    context = {"reviewer": "Theo", "exercise": "Back squat", "verdict": "OK", "note": ""}
    with fake_service("sms") as sms:
        settings.SMS_API_BASE, settings.SMS_ACCOUNT_SID = sms.base, "AC123"
        settings.SMS_AUTH_TOKEN, settings.SMS_FROM = "secret", "+15005550006"
        notification = services.notify(
            user=both, kind="videos.reviewed", key="r-1", context=context, channels=["email", "sms"]
        )
        for delivery in notification.deliveries.filter(status=Delivery.Status.PENDING):
            assert services.delivery_send(delivery_id=delivery.pk) == services.Outcome.SENT
        # the bell, the email and the SMS are German (core), not Spanish (the old messaging row)
        assert notification.title == "Dein Video wurde geprüft: OK"
        [email] = mail.outbox
        assert email.subject == "Dein Video wurde geprüft: OK"
        assert sms.received[0]["Body"].startswith("Dein Video wurde geprüft: OK")
    # and a session reminder too
    instant = datetime(2026, 12, 4, 17, tzinfo=UTC)
    trainer = TrainerFactory()
    appointment = AppointmentFactory(
        trainer=trainer, client=both, starts_at=instant,
        appointment_type=AppointmentTypeFactory(trainer=trainer, name="Kraft"),
    )  # fmt: skip
    rows = [r for r in reminders_schedule(starts_at=instant, recipient=both, appointment=appointment,
                                          now=instant - timedelta(days=2)) if r.channel == "email"]  # fmt: skip
    mail.outbox.clear()
    assert scheduling.reminder_send(reminder_id=rows[0].pk, now=rows[0].send_at) == scheduling.ReminderOutcome.SENT
    assert mail.outbox[0].subject.startswith("Erinnerung: Kraft")


def test_quiet_hours_follow_the_accounts_zone(client_user):
    # given quiet hours 22:00-07:00 and a display zone of Tokyo set on the account (not in messaging)
    services.preference_update(actor=client_user, changes={"quiet_start": time(22), "quiet_end": time(7)})
    Preferences.objects.create(user=client_user, timezone="Asia/Tokyo")
    # when a push is due at 23:30 in Tokyo, it waits for 07:00 there
    pref = services.preference_of(client_user)
    assert services.quiet_until(pref, datetime(2026, 11, 30, 14, 30, tzinfo=UTC)) == datetime(
        2026, 11, 30, 22, 0, tzinfo=UTC
    )


def test_messagings_api_reads_and_writes_the_accounts_language_and_zone(client_user, api_client):
    api = api_client(client_user)
    url = "/api/v1/messaging/preferences"
    response = api.patch(url, {"language": "de", "timezone": "Europe/Berlin"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Preferences.objects.values_list("language", "timezone").get(user=client_user) == ("de", "Europe/Berlin")
    # a change on the account's own page shows here: one store
    Preferences.objects.filter(user=client_user).update(language="es")
    assert api.get(url).json()["language"] == "es"
    assert api.get("/api/v1/me/preferences").json()["timezone"] == "Europe/Berlin"
