"""The needs-attention inbox: each kind of item shows, links to its action, and leaves once dealt with;
a trainer sees their own clients' items only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from billing.payments.models import BookingFee, ClientPack, ClientSubscription, Invoice, Payment
from billing.payments.services import fee_waive
from domain.analytics.inbox import inbox_items
from domain.analytics.models import AtRiskFlag
from domain.clients.models import HealthHistory
from domain.messaging.models import Message, Participant, Thread
from tests.conftest import host_of
from tests.factories.analytics import at, invoice, membership
from tests.factories.clients import ClientTrainerFactory
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.payments import PackFactory
from tests.factories.videos import VideoFactory

TODAY = date(2026, 6, 10)


@pytest.fixture
def studio_needs(tenant, clock):
    """One client of trainer T with one of each kind of item; another client (not T's) with a video."""
    clock.move_to(at(TODAY, 12))
    now = timezone.now()
    trainer, manager = TrainerFactory(), ManagerFactory()
    client, stranger = ClientFactory(first_name="Ada"), ClientFactory(first_name="Bo")
    ClientTrainerFactory(client=client, trainer=trainer, is_primary=True)
    made = {"trainer": trainer, "manager": manager, "client": client}
    made["flag"] = AtRiskFlag.objects.create(
        client=client, reason="inactive", detail="No training or visit for 20 days.", set_on=TODAY, set_at=now
    )
    made["video"] = VideoFactory(client=client, submitted_at=now - timedelta(days=2))
    VideoFactory(client=client, submitted_at=now - timedelta(hours=3))  # not yet a day: not listed
    VideoFactory(client=stranger, submitted_at=now - timedelta(days=3))  # not T's client
    made["fee"] = BookingFee.objects.create(
        client=client,
        kind="no_show",
        amount=1500,
        currency="USD",
        description="No-show, Friday",
        charge_after=now + timedelta(hours=20),
    )
    failed = invoice(client, 3000, issued=now - timedelta(days=1))
    Payment.objects.create(invoice=failed, client=client, amount=3000, currency="USD", method="card", status="failed")
    made["invoice"] = failed
    sub = membership(client, started=date(2026, 3, 1), price=4000)
    ClientSubscription.objects.filter(pk=sub.pk).update(status="past_due", past_due_since=now - timedelta(days=2))
    made["membership"] = sub
    made["pack"] = ClientPack.objects.create(
        client=client,
        package=PackFactory(),
        status="active",
        credits_total=10,
        credits_remaining=3,
        expiry_starts="purchase",
        expires_at=now + timedelta(days=3),
    )
    HealthHistory.objects.create(client=client, medical_clearance_expires_on=TODAY + timedelta(days=5))
    pair = sorted((client.pk, trainer.pk))
    thread = Thread.objects.create(kind="direct", created_by=client, pair_key=f"{pair[0]}-{pair[1]}")
    Participant.objects.bulk_create([Participant(thread=thread, user=client), Participant(thread=thread, user=trainer)])
    Message.objects.create(thread=thread, sender=client, body="Can we move Friday?", sent_at=now - timedelta(hours=6))
    made["thread"] = thread
    return made


KINDS = ["at_risk", "payment_failed", "past_due", "fee", "video", "message", "pack", "clearance"]


def test_a_trainer_sees_each_kind_for_their_client_most_urgent_first(studio_needs):
    items = inbox_items(actor=studio_needs["trainer"], link=lambda action, pk: f"/{action}/{pk}")

    assert [item.kind for item in items] == KINDS
    assert {item.client_id for item in items} == {studio_needs["client"].pk}
    by_kind = {item.kind: item for item in items}
    assert by_kind["fee"].link == f"/fee/{studio_needs['fee'].pk}"
    assert by_kind["video"].link == f"/video/{studio_needs['video'].pk}"
    assert by_kind["message"].link == f"/thread/{studio_needs['thread'].pk}"


def test_a_manager_sees_the_whole_studio(studio_needs):
    kinds = [item.kind for item in inbox_items(actor=studio_needs["manager"])]
    assert kinds.count("video") == 2  # the stranger's video too


def test_items_leave_once_dealt_with(studio_needs):
    needs, now = studio_needs, timezone.now()
    AtRiskFlag.objects.filter(pk=needs["flag"].pk).update(cleared_at=now, cleared_on=TODAY)
    needs["video"].status = "reviewed"
    needs["video"].save()
    fee_waive(actor=needs["manager"], fee_id=needs["fee"].pk)
    Invoice.objects.filter(pk=needs["invoice"].pk).update(status="paid", paid_at=now)
    ClientSubscription.objects.filter(pk=needs["membership"].pk).update(status="active", past_due_since=None)
    ClientPack.objects.filter(pk=needs["pack"].pk).update(credits_remaining=0)
    HealthHistory.objects.filter(client=needs["client"]).update(
        medical_clearance_expires_on=TODAY + timedelta(days=300)
    )
    Message.objects.create(thread=needs["thread"], sender=needs["trainer"], body="Sure, Saturday?")

    assert inbox_items(actor=needs["trainer"]) == []


def test_the_inbox_page_links_each_item_and_waives_a_fee_in_place(studio, studio_needs):
    page = Client(HTTP_HOST=host_of(studio))
    page.force_login(studio_needs["manager"])

    html = page.get("/attention/").content.decode()

    assert f'href="/clients/{studio_needs["client"].pk}/"' in html
    assert f'href="/videos/{studio_needs["video"].pk}/"' in html
    assert f'href="/messages/?thread={studio_needs["thread"].pk}"' in html
    waive = f'action="/sales/fees/{studio_needs["fee"].pk}/waive/"'
    assert waive in html
    answer = page.post(f"/sales/fees/{studio_needs['fee'].pk}/waive/", {"next": "/attention/"})
    assert answer["Location"] == "/attention/"
    assert waive not in page.get("/attention/").content.decode()
    assert BookingFee.objects.get(pk=studio_needs["fee"].pk).status == "waived"
