"""The notification service end to end: in-app, email, Web Push and SMS against fakes of the outside services
(real pywebpush and requests), consent, quiet hours, unsubscribe links and "each message once"."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.core import mail

from domain.messaging import services
from domain.messaging.models import Delivery, Notification, Preference, PushSubscription
from domain.messaging.services import Outcome
from tests.fakes.notify_servers import fake_service, vapid_keys


@pytest.fixture
def push(settings):
    private, public = vapid_keys()
    settings.WEBPUSH_VAPID_PRIVATE_KEY, settings.WEBPUSH_VAPID_PUBLIC_KEY = private, public
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:ops@fitwell.test"
    with fake_service("push") as service:
        yield service


@pytest.fixture
def sms(settings):
    with fake_service("sms") as service:
        settings.SMS_API_BASE, settings.SMS_ACCOUNT_SID = service.base, "AC123"
        settings.SMS_AUTH_TOKEN, settings.SMS_FROM = "secret", "+15005550006"
        yield service


def _send_all(notification: Notification) -> dict[str, str]:
    """Run every pending delivery (what the task does after commit); channel -> outcome."""
    return {
        d.channel: services.delivery_send(delivery_id=d.pk)
        for d in notification.deliveries.filter(status=Delivery.Status.PENDING)
    }


def _video_reviewed(user, key: str = "review-1", **options):
    context = {"reviewer": "Theo", "exercise": "Back squat", "verdict": "Approved", "note": "Great depth."}
    return services.notify(user=user, kind="videos.reviewed", key=key, context=context, link="/videos/1/", **options)


def test_an_email_is_branded_with_text_and_html_and_a_working_unsubscribe_link(client_user, studio_client):
    notification = _video_reviewed(client_user)
    assert _send_all(notification) == {"email": Outcome.SENT}
    [email] = mail.outbox
    assert email.subject == "Your video was reviewed: Approved"
    assert "Back squat" in email.body and "Great depth." in email.body  # noqa: PT018
    html = email.alternatives[0][0]
    assert "Alpha Strength" in html  # the studio's branding
    stop = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop in email.body
    # the link works without signing in: a page, then one click
    path = stop.split("localhost", 1)[1]
    assert studio_client.get(path).status_code == 200
    assert studio_client.post(path).status_code == 200
    assert Preference.objects.get(user=client_user).email_service is False
    # so the next one does not go by email, but is still in the bell
    later = _video_reviewed(client_user, key="review-2")
    assert later.deliveries.get(channel="email").status == Delivery.Status.SKIPPED
    assert Notification.objects.filter(user=client_user, is_read=False).count() == 2


def test_a_forged_unsubscribe_link_changes_nothing(client_user, studio_client):
    token = services.unsubscribe_token(user_id=client_user.pk, channel="email", category="service")
    response = studio_client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert not Preference.objects.filter(user=client_user).exists()


def test_web_push_reaches_every_device_and_a_gone_one_is_forgotten(client_user, push, api_client):
    phone, laptop = push.subscribe(), push.subscribe()
    api = api_client(client_user)
    for browser in (phone, laptop):
        body = {"endpoint": browser.endpoint, "keys": {"p256dh": browser.p256dh, "auth": _b64(browser.auth)}}
        assert (
            api.post("/api/v1/messaging/push/subscriptions", body, content_type="application/json").status_code == 201
        )
    push.gone.add(laptop.endpoint.rsplit("/", 1)[1])  # the laptop's browser unsubscribed
    notification = _video_reviewed(client_user, channels=["push"])
    assert _send_all(notification) == {"push": Outcome.SENT}
    # the phone got the decrypted notification the page would show
    [received] = push.received
    assert received["payload"]["title"] == "Your video was reviewed: Approved"
    assert received["payload"]["url"].endswith("/videos/1/")
    assert int(received["ttl"]) > 0
    # and the laptop's subscription is gone
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [phone.endpoint]


def test_a_push_service_failure_is_retried_later(client_user, push):
    phone = push.subscribe()
    services.push_subscribe(actor=client_user, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=_b64(phone.auth))
    push.failing.add(phone.endpoint.rsplit("/", 1)[1])
    notification = _video_reviewed(client_user, channels=["push"])
    assert _send_all(notification) == {"push": Outcome.RETRY}
    delivery = notification.deliveries.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
    assert delivery.pk not in services.deliveries_due()  # it waits before the next try


def test_sms_goes_through_the_provider_api_and_a_bad_number_fails_for_good(client_user, sms):
    client_user.phone = "+447700900123"
    client_user.save()
    notification = _video_reviewed(client_user, channels=["sms"])
    assert _send_all(notification) == {"sms": Outcome.SENT}
    [sent] = sms.received
    assert (sent["To"], sent["From"]) == ("+447700900123", "+15005550006")
    assert sent["Body"].startswith("Your video was reviewed: Approved")
    assert sent["idempotency"]
    # a number the provider refuses: failed, not retried
    sms.invalid.add("+447700900123")
    again = _video_reviewed(client_user, key="review-2", channels=["sms"])
    assert _send_all(again) == {"sms": Outcome.FAILED}
    assert again.deliveries.get().status == Delivery.Status.FAILED


def test_marketing_needs_consent_per_channel_and_service_messages_do_not(client_user):
    marketing = services.notify(user=client_user, kind="automation.birthday", key="bday-2026")
    assert marketing.category == "marketing"
    assert marketing.deliveries.get(channel="email").status == Delivery.Status.SKIPPED
    services.preference_update(actor=client_user, changes={"email_marketing": True})
    assert Preference.objects.get(user=client_user).marketing_consented_at is not None
    second = services.notify(user=client_user, kind="automation.birthday", key="bday-2027")
    assert second.deliveries.get(channel="email").status == Delivery.Status.PENDING
    service = _video_reviewed(client_user)  # a service message goes by email without marketing consent
    assert service.deliveries.get(channel="email").status == Delivery.Status.PENDING


def test_quiet_hours_hold_push_and_sms_until_they_end_in_the_persons_zone(client_user, push, clock):
    phone = push.subscribe()
    services.push_subscribe(actor=client_user, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=_b64(phone.auth))
    services.preference_update(
        actor=client_user, changes={"quiet_start": time(22), "quiet_end": time(7), "timezone": "Asia/Tokyo"}
    )
    at_night = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)  # 23:30 in Tokyo
    notification = _video_reviewed(client_user, channels=["push", "email"], now=at_night)
    held = notification.deliveries.get(channel="push")
    assert held.send_after == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 07:00 in Tokyo
    assert notification.deliveries.get(channel="email").send_after == at_night  # email waits in the inbox anyway
    assert services.delivery_send(delivery_id=held.pk, now=at_night) == Outcome.SKIPPED
    assert push.received == []
    morning = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    assert held.pk in services.deliveries_due(now=morning)
    assert services.delivery_send(delivery_id=held.pk, now=morning) == Outcome.SENT
    assert len(push.received) == 1


def test_each_notification_is_sent_once_whoever_calls_again(client_user):
    first = _video_reviewed(client_user)
    again = _video_reviewed(client_user)  # the same event, notified twice (a retried task)
    assert again is None
    assert Notification.objects.filter(user=client_user).count() == 1
    delivery = first.deliveries.get(channel="email")
    assert services.delivery_send(delivery_id=delivery.pk) == Outcome.SENT
    assert services.delivery_send(delivery_id=delivery.pk) == Outcome.SKIPPED  # a duplicate task
    assert len(mail.outbox) == 1


def test_the_bell_counts_and_marks_read(client_user, api_client):
    for n in range(3):
        _video_reviewed(client_user, key=f"review-{n}")
    api = api_client(client_user)
    assert api.get("/api/v1/messaging/notifications/unread-count").json() == {"unread": 3}
    page = api.get("/api/v1/messaging/notifications?limit=2").json()
    assert len(page["items"]) == 2 and page["next_cursor"]  # noqa: PT018
    marked = api.post(
        "/api/v1/messaging/notifications/read", {"ids": [page["items"][0]["id"]]}, content_type="application/json"
    )
    assert marked.json() == {"unread": 2}
    assert api.post("/api/v1/messaging/notifications/read", {}, content_type="application/json").json() == {"unread": 0}


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_person_sets_consent_and_quiet_hours_on_their_settings_page(client_user, studio):
    from django.test import Client

    from tests.conftest import host_of

    browser = Client(HTTP_HOST=host_of(studio))
    browser.force_login(client_user)
    assert browser.get("/notifications/settings/").status_code == 200
    form = {"email_service": "on", "push_marketing": "on", "quiet_start": "22:00", "quiet_end": "07:00"}
    assert browser.post("/notifications/settings/", form).status_code == 302
    pref = Preference.objects.get(user=client_user)
    assert (pref.email_service, pref.push_marketing, pref.sms_service) == (True, True, False)
    assert (pref.quiet_start, pref.quiet_end) == (time(22), time(7))
    # the zone of the quiet hours is the account's, named with a link to where it is changed
    page = browser.get("/notifications/settings/").content.decode()
    assert 'href="/me/preferences/"' in page and studio.timezone in page  # noqa: PT018
