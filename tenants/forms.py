"""Forms of the public site: studio sign-up. Rules live in the services; forms only shape input."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.services import SLUG_MAX

# The currencies offered at sign-up (ISO 4217); the service accepts any three-letter code.
SIGNUP_CURRENCIES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
    "JPY", "SGD", "HKD", "INR", "AED", "ZAR", "BRL", "MXN", "ARS", "CLP", "COP",
)  # fmt: skip


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone Python knows, with UTC first (the browser picks the visitor's own zone)."""
    zones = sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/"))
    return [("UTC", "UTC"), *((zone, zone.replace("_", " ")) for zone in zones)]


class StudioSignupForm(forms.Form):
    name = forms.CharField(label=_("Studio name"), max_length=120)
    slug = forms.CharField(
        label=_("Studio address"),
        max_length=SLUG_MAX,
        help_text=_("Lowercase letters, digits and hyphens; your studio will live at this address."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(code, code) for code in SIGNUP_CURRENCIES], initial="USD"
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data under the names `studio_signup` takes."""
        data = self.cleaned_data
        return {
            "slug": data["slug"],
            "name": data["name"],
            "owner_email": data["email"],
            "owner_password": data["password"],
            "owner_first_name": data["first_name"],
            "owner_last_name": data["last_name"],
            "timezone": data["timezone"],
            "currency": data["currency"],
        }
