"""Billing tests share the fixtures of tests/fakes/stripe_fixtures.py (registered for every area)."""

from tests.fakes.stripe_fixtures import T0, pay_with

__all__ = ["T0", "pay_with"]
