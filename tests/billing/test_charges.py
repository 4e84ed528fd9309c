"""Studio sales are direct charges on the studio's connected account, carrying the plan's application fee."""

from __future__ import annotations

import pytest

from billing.charges import application_fee, studio_checkout_session_create, studio_payment_intent_create
from core.exceptions import ConflictError, ValidationError
from tests.fakes.stripe_resources import checkout_complete


def test_a_direct_charge_carries_the_plans_application_fee_and_the_studios_account(connected_studio, fake_stripe):
    account = connected_studio.connected_account.stripe_account_id

    intent = studio_payment_intent_create(
        studio=connected_studio, amount=12000, currency="GBP", description="10-class pack", reference="order:1"
    )

    # 2.50 % of 120.00 is 3.00, on the studio's account (Stripe-Account header), not the platform's.
    assert intent.application_fee_amount == 300
    assert fake_stripe.owner[intent.id] == account
    sent_account, params = fake_stripe.requests_to("POST", "/v1/payment_intents")[-1]
    assert sent_account == account
    assert params["metadata"] == {"studio": connected_studio.schema_name, "reference": "order:1"}


def test_the_same_reference_never_charges_twice(connected_studio, fake_stripe):
    first = studio_payment_intent_create(
        studio=connected_studio, amount=5000, currency="gbp", description="Drop-in", reference="order:7"
    )
    again = studio_payment_intent_create(
        studio=connected_studio, amount=5000, currency="gbp", description="Drop-in", reference="order:7"
    )

    assert again.id == first.id
    assert len([o for o in fake_stripe.objects.values() if o.get("metadata", {}).get("reference") == "order:7"]) == 1


def test_a_checkout_session_is_a_direct_charge_with_the_fee_on_the_total(connected_studio, fake_stripe):
    session = studio_checkout_session_create(
        studio=connected_studio,
        amount=1999,
        currency="GBP",
        description="Drop-in class",
        reference="order:9",
        quantity=3,
        success_url="https://alpha.example/paid?session={CHECKOUT_SESSION_ID}",
        cancel_url="https://alpha.example/shop",
    )
    account = connected_studio.connected_account.stripe_account_id
    mark = len(fake_stripe.events)

    completed = checkout_complete(fake_stripe, session.id)

    intent = fake_stripe.objects[session.payment_intent]
    assert intent["application_fee_amount"] == application_fee(plan=connected_studio.subscription.plan, amount=5997)
    assert intent["application_fee_amount"] == 150  # 59.97 x 2.5 % = 1.49925, rounded half up
    assert completed["payment_status"] == "paid"
    assert {(e["type"], e.get("account")) for e in fake_stripe.events[mark:]} >= {
        ("checkout.session.completed", account),
        ("payment_intent.succeeded", account),
    }


def test_a_studio_without_finished_onboarding_cannot_charge(studio, plan, fake_stripe):
    before = len(fake_stripe.objects)

    with pytest.raises(ConflictError) as error:
        studio_payment_intent_create(studio=studio, amount=100, currency="GBP", description="x", reference="r")

    assert error.value.code == "payments_not_set_up"
    assert len(fake_stripe.objects) == before


@pytest.mark.parametrize(("amount", "currency", "reference"), [(0, "GBP", "r"), (100, "pounds", "r"), (100, "GBP", "")])
def test_bad_charges_are_refused_before_stripe_is_called(connected_studio, fake_stripe, amount, currency, reference):
    before = len(fake_stripe.requests)

    with pytest.raises(ValidationError):
        studio_payment_intent_create(
            studio=connected_studio, amount=amount, currency=currency, description="x", reference=reference
        )

    assert len(fake_stripe.requests) == before
