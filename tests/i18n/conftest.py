"""The portal's `signed_in(role)` fixture, for the language tests of pages."""

from tests.portal.conftest import signed_in

__all__ = ["signed_in"]
