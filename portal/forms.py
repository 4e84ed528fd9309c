"""Portal forms: they parse input only; the rules live in the services they feed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Role
from tenants.branding import LOGO_MAX_BYTES
from tenants.models import Studio


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.CLIENT.value, Role.CLIENT.label)])
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    def __init__(self, *args: object, roles: list[tuple[str, str]], **kwargs: object) -> None:
        """`roles`: the (value, label) pairs this person may invite."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Choose a password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class SignupPolicyForm(forms.Form):
    allow_client_signup = forms.BooleanField(label=_("Clients may sign themselves up"), required=False)


class BrandingForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most %(mb)d MB. Square logos look best.") % {"mb": LOGO_MAX_BYTES >> 20},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    primary_color = forms.CharField(
        label=_("Primary colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    accent_color = forms.CharField(
        label=_("Accent colour"), max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )

    @classmethod
    def for_studio(cls, studio: Studio, data: Any = None, files: Any = None) -> BrandingForm:
        return cls(data, files, initial={"primary_color": studio.primary_color, "accent_color": studio.accent_color})

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "primary_color": data["primary_color"],
            "accent_color": data["accent_color"],
            "logo": data.get("logo") or None,
            "remove_logo": data.get("remove_logo", False),
        }
