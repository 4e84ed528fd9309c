"""Forms of the settings pages (the studio's, a person's own): they parse input, the services decide."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import Units, Weekday
from portal.forms import choice_field
from tenants.models import Studio


@cache
def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class StudioSettingsForm(forms.Form):
    name = forms.CharField(label=_("Studio name"), max_length=120)
    contact_email = forms.CharField(label=_("Contact email"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False, widget=forms.Textarea({"rows": 3}))
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=(),
        help_text=_(
            "Bookings, classes and payments keep their moment in time; every page, email and reminder shows them "
            "on the new clock. Weekly working hours stay at the same local times (9:00 stays 9:00)."
        ),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_(
            "A three-letter code such as EUR. It is fixed once the studio has prices, invoices or payments: "
            "every amount is stored in it."
        ),
    )
    locale = forms.ChoiceField(
        label=_("Default language"),
        choices=(),
        help_text=_("For visitors and emails; each person can choose their own language."),
    )
    allow_client_signup = forms.BooleanField(label=_("Clients may sign themselves up"), required=False)
    email_sender_name = forms.CharField(
        label=_("Email sender name"),
        max_length=80,
        required=False,
        help_text=_("The name your clients see as the sender; blank uses the studio's name."),
    )
    email_reply_to = forms.CharField(
        label=_("Replies go to"),
        max_length=254,
        required=False,
        help_text=_("The address that receives replies to the studio's emails; blank: replies are not read."),
    )

    def __init__(self, *args: Any, studio: Studio, currency_locked: bool, **kwargs: Any) -> None:
        kwargs["initial"] = {name: getattr(studio, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        choice_field(self, "timezone").choices = zone_choices()
        choice_field(self, "locale").choices = language_choices()
        if currency_locked:
            self.fields["currency"].disabled = True


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=(), required=False)
    timezone = forms.ChoiceField(
        label=_("Show times in"),
        choices=(),
        required=False,
        help_text=_("Bookings and classes are still held at the studio's times; this only changes how you see them."),
    )
    week_start = forms.TypedChoiceField(label=_("Calendar starts on"), choices=Weekday.choices, coerce=int)
    units = forms.ChoiceField(label=_("Units"), choices=Units.choices)

    def __init__(self, *args: Any, studio: Studio, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default_language = dict(settings.LANGUAGES).get(studio.locale, studio.locale)
        choice_field(self, "language").choices = [
            ("", _("The studio's (%(name)s)") % {"name": default_language}),
            *language_choices(),
        ]
        choice_field(self, "timezone").choices = [
            ("", _("The studio's (%(zone)s)") % {"zone": studio.timezone}),
            *zone_choices(),
        ]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "language").choices = language_choices()
