"""The same card saved twice is one card on file: deduplicated by Stripe's card fingerprint per customer,
the newer payment method the default and the older one detached at Stripe. Through the fake Stripe server
(which gives each card number a fingerprint per account) and signed webhooks."""

from __future__ import annotations

from billing.payments.models import SavedCard
from tests.billing.payments.checkout import at_checkout
from tests.fakes.stripe_resources import checkout_complete

VISA, MASTERCARD = "4242424242424242", "5555555555554444"


def _pay_and_save(member, studio, fake_stripe, deliver_all, number: str) -> str:
    """A pack paid at Checkout with the card `number`, kept on file; returns the new payment method's id."""
    _sale, payment = at_checkout(
        member,
        studio,
        fake_stripe,
        lambda fake, sid: checkout_complete(fake, sid, card=number),
        deliver_all,
        save_card=True,
    )
    return fake_stripe.objects[payment.stripe_payment_intent_id]["payment_method"]


def _cards(member) -> list[tuple[str, str, bool]]:
    return list(SavedCard.objects.filter(client=member).values_list("stripe_payment_method_id", "last4", "is_default"))


def test_the_same_card_saved_again_replaces_the_older_and_the_older_is_detached(
    shop, fake_stripe, member, studio, deliver_all
):
    # given a card kept at a first checkout
    first = _pay_and_save(member, studio, fake_stripe, deliver_all, VISA)
    # when the client pays again with the same card and keeps it again (on the same customer)
    second = _pay_and_save(member, studio, fake_stripe, deliver_all, VISA)
    assert first != second
    customer = fake_stripe.objects[second]["customer"]
    assert fake_stripe.objects[first]["card"]["fingerprint"] == fake_stripe.objects[second]["card"]["fingerprint"]
    # then one card is on file: the newer payment method, the default; the older is detached at Stripe
    assert _cards(member) == [(second, "4242", True)]
    assert SavedCard.objects.get(client=member).stripe_customer_id == customer
    assert fake_stripe.objects[first]["customer"] is None
    assert fake_stripe.objects[second]["customer"] == customer

    # a different card is a second card on file, the newest the default
    third = _pay_and_save(member, studio, fake_stripe, deliver_all, MASTERCARD)
    assert _cards(member) == [(third, "4444", True), (second, "4242", False)]
    assert fake_stripe.objects[second]["customer"] == customer


def test_an_older_duplicate_arriving_late_is_the_one_detached(shop, fake_stripe, member, studio, deliver_all):
    # given the card kept at a checkout
    kept = _pay_and_save(member, studio, fake_stripe, deliver_all, VISA)
    # when a payment method Stripe made earlier for the same card is told to us only now
    mark = len(fake_stripe.events)
    late = _pay_and_save(member, studio, fake_stripe, lambda _mark: None, VISA)
    fake_stripe.objects[late]["created"] = fake_stripe.objects[kept]["created"] - 60
    deliver_all(mark)
    # then the newer stays the card on file and the late, older one is detached
    assert _cards(member) == [(kept, "4242", True)]
    assert fake_stripe.objects[late]["customer"] is None
    assert fake_stripe.objects[kept]["customer"] is not None
