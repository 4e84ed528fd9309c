"""Forgiving strikes and waiving fees check whose they are inside the services: the sales desk's page, the API
and any other caller get the same answer (a client outside the actor's scope is "not found" and keeps their
strikes and fees)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billing.payments import services
from billing.payments.models import BookingFee, SavedCard, Strike
from core.exceptions import NotFoundError, PermissionDeniedError
from tests.access.test_access_matrix import OTHER_STUDIO_ID
from tests.billing.payments.conftest import NOW
from tests.factories.clients import assigned_client
from tests.factories.core import ManagerFactory, TrainerFactory
from tests.factories.payments import MembershipFactory, PackFactory
from tests.portal.test_training_pages import browser

pytestmark = pytest.mark.django_db


def _struck(trainer) -> Strike:
    """A client of `trainer` with one strike standing."""
    return Strike.objects.create(client=assigned_client(trainer), kind="no_show", occurred_at=NOW)


def test_a_trainer_forgives_their_own_clients_strikes(tenant):
    # given a trainer's client with a strike
    trainer = TrainerFactory()
    strike = _struck(trainer)
    # when the trainer forgives them
    count = services.strikes_forgive(actor=trainer, client_id=strike.client_id)
    # then the strike is forgiven
    strike.refresh_from_db()
    assert (count, strike.forgiven_by_id) == (1, trainer.pk)


def test_another_trainers_client_or_an_unknown_id_is_not_found_and_nothing_is_forgiven(tenant):
    # given another trainer's client with a strike
    strike = _struck(TrainerFactory())
    trainer = TrainerFactory()
    # when a trainer who does not have them forgives their strikes, or those of an id of nobody here
    for client_id in (strike.client_id, OTHER_STUDIO_ID):
        with pytest.raises(NotFoundError):
            services.strikes_forgive(actor=trainer, client_id=client_id)
    # then nothing changed
    strike.refresh_from_db()
    assert strike.forgiven_at is None


def test_a_client_may_not_forgive_strikes_even_their_own(tenant):
    strike = _struck(TrainerFactory())
    with pytest.raises(PermissionDeniedError):
        services.strikes_forgive(actor=strike.client, client_id=strike.client_id)
    strike.refresh_from_db()
    assert strike.forgiven_at is None


def test_the_sales_desk_does_not_forgive_another_trainers_client(studio, tenant):
    # given another trainer's client with a strike, and a trainer at the sales desk
    strike = _struck(TrainerFactory())
    desk = browser(studio, TrainerFactory())
    # when the trainer posts the desk's forgive form for that client
    answer = desk.post(f"/sales/clients/{strike.client_id}/forgive/", follow=True)
    # then the desk says the client is not found, and the strike stands
    assert "Client not found." in answer.content.decode()
    strike.refresh_from_db()
    assert strike.forgiven_at is None


def _fee(trainer) -> BookingFee:
    """A pending no-show fee of a client of `trainer`, inside its waive window."""
    return BookingFee.objects.create(
        client=assigned_client(trainer),
        kind="no_show",
        amount=1500,
        currency="GBP",
        description="No-show",
        charge_after=NOW + timedelta(hours=24),
    )


def test_a_trainer_waives_their_own_clients_fee_but_not_another_trainers(tenant):
    # given a fee of a trainer's client, and one of another trainer's client
    trainer = TrainerFactory()
    mine, theirs = _fee(trainer), _fee(TrainerFactory())
    # when the trainer waives both
    services.fee_waive(actor=trainer, fee_id=mine.pk, now=NOW)
    with pytest.raises(NotFoundError):
        services.fee_waive(actor=trainer, fee_id=theirs.pk, now=NOW)
    # then only their own client's fee is waived
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (BookingFee.Status.WAIVED, BookingFee.Status.PENDING)


def test_the_sales_desk_does_not_waive_another_trainers_clients_fee(studio, tenant):
    fee = _fee(TrainerFactory())
    answer = browser(studio, TrainerFactory()).post(f"/sales/fees/{fee.pk}/waive/", follow=True)
    assert "No such fee." in answer.content.decode()
    fee.refresh_from_db()
    assert fee.status == BookingFee.Status.PENDING


def test_a_trainer_lists_the_payments_invoices_and_fees_of_their_own_clients_only(studio, tenant, api_client):
    # given a paid sale and a fee for a trainer's client, and the same for another trainer's client
    trainer, manager = TrainerFactory(), ManagerFactory()
    pack = PackFactory(currency=tenant.currency)
    mine, theirs = (_paid(manager, _fee(person).client, pack) for person in (trainer, TrainerFactory()))
    # when the trainer lists payments, invoices and fees (the API), and opens the sales desk
    api = api_client(trainer)
    listed = {
        kind: {row["client_id"] for row in api.get(f"/api/v1/{kind}").json()["items"]}
        for kind in ("payments", "invoices", "fees")
    }
    desk = browser(studio, trainer).get("/sales/").content.decode()
    # then only their own client is in them; the manager still sees both
    assert listed == {kind: {mine.invoice.client_id} for kind in ("payments", "invoices", "fees")}
    assert mine.invoice.number in desk
    assert theirs.invoice.number not in desk
    assert f'value="{theirs.invoice.client_id}"' not in desk
    everyone = {row["client_id"] for row in api_client(manager).get("/api/v1/payments").json()["items"]}
    assert everyone == {mine.invoice.client_id, theirs.invoice.client_id}


def _paid(manager, client, pack) -> services.Sale:
    sale = services.package_purchase(actor=manager, client_id=client.pk, package_id=pack.pk)
    services.payment_record_manual(
        actor=manager, invoice_id=sale.invoice.pk, amount=sale.invoice.amount_due, method="cash"
    )
    return sale


def test_another_trainers_clients_invoice_or_membership_answers_exactly_as_an_unknown_id(tenant, api_client):
    # given an invoice and a membership of another trainer's client
    manager, trainer = ManagerFactory(), TrainerFactory()
    client = _fee(TrainerFactory()).client
    sale = services.package_purchase(
        actor=manager, client_id=client.pk, package_id=MembershipFactory(currency=tenant.currency).pk
    )
    api = api_client(trainer)
    # when the trainer asks for them, and for ids of nothing
    theirs = [
        api.get(f"/api/v1/invoices/{sale.invoice.pk}"),
        api.get(f"/api/v1/memberships/{sale.membership.pk}/cancel-terms"),
    ]
    nothing = [api.get("/api/v1/invoices/99999999"), api.get("/api/v1/memberships/99999999/cancel-terms")]
    # then the answers are the same 404s: nothing tells that these exist
    assert [(r.status_code, r.json()) for r in theirs] == [(r.status_code, r.json()) for r in nothing]
    assert [r.status_code for r in theirs] == [404, 404]
    # and the manager does see them
    assert api_client(manager).get(f"/api/v1/invoices/{sale.invoice.pk}").status_code == 200


def test_another_trainers_clients_card_answers_exactly_as_an_unknown_card_and_stays(tenant, api_client):
    # given a card on file of another trainer's client
    client = _fee(TrainerFactory()).client
    card = SavedCard.objects.create(
        client=client, stripe_customer_id="cus_scope", stripe_payment_method_id="pm_scope", brand="visa", last4="4242"
    )
    api = api_client(TrainerFactory())
    # when a trainer who does not have the client removes it, and a card id of nothing
    theirs, nothing = api.delete(f"/api/v1/cards/{card.pk}"), api.delete("/api/v1/cards/99999999")
    # then both are the same 404, and the card is still there
    assert (theirs.status_code, theirs.json()) == (nothing.status_code, nothing.json())
    assert nothing.status_code == 404
    assert SavedCard.objects.filter(pk=card.pk).exists()
