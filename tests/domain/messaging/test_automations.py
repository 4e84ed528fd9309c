"""Automations: every trigger, no backfill unless chosen, a sensible local hour, each message once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from billing.payments.models import ClientPack, Invoice, Payment
from core.studio_time import studio_today
from domain.clients.models import ClientProfile
from domain.messaging import services
from domain.messaging.models import Automation, AutomationSend, Notification
from domain.messaging.services import AutomationData
from domain.scheduling.models import Appointment
from domain.videos.models import ReviewStatus, VideoStatusChange
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, OwnerFactory, TrainerFactory
from tests.factories.payments import PackFactory
from tests.factories.scheduling import AppointmentFactory
from tests.factories.videos import VideoFactory
from tests.factories.workouts import log_adhoc


def _automation(owner, trigger: str, *, days: int = 0, once: bool = False, backfill: bool = False, **fields):
    data = AutomationData(name=trigger, trigger=trigger, channel="in_app", template_key=f"automation.{trigger}",
                          days=days, once_per_client=once, **fields)  # fmt: skip
    made = services.automation_save(actor=owner, data=data)
    return services.automation_switch(actor=owner, automation_id=made.pk, active=True, backfill=backfill)


def _workout(client, clock, *, after: timedelta) -> None:
    log_adhoc(actor=client, client=client, slug="barbell-back-squat", sets=[(5, "100")])
    clock.shift(after)


def _happen(trigger: str, client, clock) -> None:
    """Make `trigger` match `client` after the automation was switched on, and move the clock past it."""
    now = timezone.now()
    if trigger == "first_workout":
        _workout(client, clock, after=timedelta(hours=1))
    elif trigger == "no_workout":
        _workout(client, clock, after=timedelta(days=3, hours=1))
    elif trigger == "no_visit":
        AppointmentFactory(client=client, status=Appointment.Status.COMPLETED, starts_at=now + timedelta(minutes=5))
        clock.shift(timedelta(days=3, hours=1))
    elif trigger == "missed_session":
        clock.shift(timedelta(hours=2))
        AppointmentFactory(client=client, status=Appointment.Status.NO_SHOW, starts_at=now + timedelta(hours=1))
    elif trigger == "birthday":
        tomorrow = studio_today() + timedelta(days=1)
        ClientProfile.objects.update_or_create(user=client, defaults={"date_of_birth": _born(tomorrow)})
        clock.shift(timedelta(days=1))
    elif trigger == "expiring":
        ClientPack.objects.create(client=client, package=PackFactory(), status=ClientPack.Status.ACTIVE,
                                  credits_total=10, credits_remaining=4, expiry_starts="purchase",
                                  expires_at=now + timedelta(days=10))  # fmt: skip
        clock.shift(timedelta(days=3, hours=1))
    elif trigger == "payment_failed":
        invoice = Invoice.objects.create(client=client, currency="USD", total_amount=4500)
        Payment.objects.create(invoice=invoice, client=client, amount=4500, currency="USD", method="card",
                               status=Payment.Status.FAILED)  # fmt: skip
        clock.shift(timedelta(minutes=5))
    elif trigger == "video_reviewed":
        VideoStatusChange.objects.create(video=VideoFactory(client=client), actor=TrainerFactory(),
                                         from_status=ReviewStatus.PENDING, to_status=ReviewStatus.APPROVED)  # fmt: skip
        clock.shift(timedelta(minutes=5))


def _born(day: date) -> date:
    return day.replace(year=1990) if not (day.month == 2 and day.day == 29) else date(1992, 2, 29)


TRIGGERS = ["first_workout", "no_workout", "no_visit", "missed_session", "birthday", "expiring", "payment_failed",
            "video_reviewed"]  # fmt: skip
DAYS = {"no_workout": 3, "no_visit": 3, "expiring": 7}


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_sends_its_message_once(tenant, clock, trigger):
    owner, client = OwnerFactory(), assigned_client(TrainerFactory(), first_name="Cleo")
    automation = _automation(owner, trigger, days=DAYS.get(trigger, 0), send_hour=6)
    clock.shift(timedelta(minutes=1))
    _happen(trigger, client, clock)
    # when the beat plans and sends, twice (a duplicate run)
    for _ in range(2):
        services.automations_plan(now=timezone.now() + timedelta(hours=16))
        for send_id in services.automation_sends_due(now=timezone.now() + timedelta(hours=16)):
            services.automation_send(send_id=send_id, now=timezone.now() + timedelta(hours=16))
    # then the client got it once, in their words
    [send] = AutomationSend.objects.filter(automation=automation)
    assert send.client_id == client.pk and send.sent_at is not None  # noqa: PT018
    [notification] = Notification.objects.filter(user=client, kind=f"automation.{trigger}")
    assert "$" not in notification.title + notification.body


def test_a_new_automation_does_not_message_who_already_matched_unless_asked(tenant, clock):
    owner = OwnerFactory()
    earlier = ClientFactory(first_name="Early")
    clock.shift(timedelta(hours=1))
    quiet = _automation(owner, "welcome")
    later = ClientFactory(first_name="Late")
    clock.shift(timedelta(minutes=1))
    services.automations_plan()
    assert set(AutomationSend.objects.filter(automation=quiet).values_list("client_id", flat=True)) == {later.pk}
    loud = _automation(owner, "welcome", backfill=True)
    services.automations_plan()
    sent_to = set(AutomationSend.objects.filter(automation=loud).values_list("client_id", flat=True))
    assert {earlier.pk, later.pk} <= sent_to


def test_a_message_found_at_night_waits_for_the_morning_in_the_persons_zone(tenant, studio_in_zone):
    studio_in_zone("Europe/Berlin")
    client = ClientFactory()
    pref = services.preference_of(client)
    night = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    assert services.sending_time(night, zone_pref=pref, send_hour=9) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    afternoon = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert services.sending_time(afternoon, zone_pref=pref, send_hour=9) == afternoon
    early = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 06:00 in Berlin: waits until 09:00 the same day
    assert services.sending_time(early, zone_pref=pref, send_hour=9) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_once_per_client_sends_one_message_for_many_occurrences(tenant, clock):
    owner, client = OwnerFactory(), ClientFactory()
    automation = _automation(owner, "missed_session", once=True, send_hour=6)
    clock.shift(timedelta(hours=3))
    for hours in (1, 2):
        AppointmentFactory(client=client, status=Appointment.Status.NO_SHOW,
                           starts_at=timezone.now() - timedelta(hours=hours))  # fmt: skip
    services.automations_plan(now=timezone.now() + timedelta(hours=16))
    assert list(AutomationSend.objects.filter(automation=automation).values_list("occurrence", flat=True)) == ["once"]


def test_an_automation_must_make_sense(tenant):
    from core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.automation_save(actor=OwnerFactory(), data=AutomationData(
            name="Lapsed", trigger="no_workout", channel="fax", template_key="nope", days=0, send_hour=23))  # fmt: skip
    assert set(refused.value.extra["fields"]) == {"channel", "template_key", "days", "send_hour"}


def test_an_owner_adds_and_switches_on_an_automation_on_its_page(tenant, studio):
    from django.test import Client

    from tests.conftest import host_of

    owner = OwnerFactory()
    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(owner)
    assert browser.get("/messages/automations/").status_code == 200
    form = {"name": "We miss you", "trigger": "no_workout", "days": "10", "delay_minutes": "0", "channel": "email",
            "template_key": "automation.no_workout", "send_hour": "9", "once_per_client": ""}  # fmt: skip
    assert browser.post("/messages/automations/", form).status_code == 302
    [automation] = Automation.objects.all()
    assert (automation.days, automation.once_per_client, automation.is_active) == (10, False, False)
    browser.post("/messages/automations/", {"switch": automation.pk, "active": "1"})
    automation.refresh_from_db()
    assert automation.is_active and automation.backfill is False  # noqa: PT018
    # a client is turned away
    browser.force_login(ClientFactory())
    assert browser.get("/messages/automations/").status_code == 403


def test_an_owner_previews_and_saves_the_studios_wording(tenant, studio):
    from django.test import Client

    from tests.conftest import host_of

    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(OwnerFactory())
    form = {"key": "automation.birthday", "channel": "any", "subject": "Feliz cumple, $first_name!",
            "body": "Un abrazo de $studio_name."}  # fmt: skip
    preview = browser.post("/messages/templates/", {**form, "preview": "1"})
    assert "Feliz cumple, Chloe!" in preview.content.decode()  # the sample data
    assert browser.post("/messages/templates/", {**form, "save": "1"}).status_code == 302
    title, body = services.template_render(key="automation.birthday", channel="email",
                                           context={"first_name": "Cleo", "studio_name": "Alpha"})  # fmt: skip
    assert (title, body) == ("Feliz cumple, Cleo!", "Un abrazo de Alpha.")
    refused = browser.post("/messages/templates/", {**form, "body": "$password", "save": "1"}, follow=True)
    assert "Unknown variables: password" in refused.content.decode()


def test_the_automations_and_wording_pages_name_channels_templates_and_kinds_in_the_page_language(
    tenant, studio, settings
):
    """The pages printed the stored codes ("email", "automation.no_workout", "marketing") on es/de pages."""
    from django.test import Client

    from tests.conftest import host_of

    services.automation_save(actor=OwnerFactory(), data=AutomationData(
        name="We miss you", trigger="no_workout", channel="sms", template_key="automation.no_workout", days=10,
        send_hour=9))  # fmt: skip
    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(OwnerFactory())
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    automations = browser.get("/messages/automations/").content.decode()
    assert "<td>Mensaje de texto · " in automations
    assert "<td>sms · " not in automations
    assert "automation.no_workout ·" not in automations
    wording = browser.get("/messages/templates/").content.decode()
    assert ", marketing)" not in wording
    assert ", service)" not in wording
