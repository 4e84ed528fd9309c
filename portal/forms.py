"""Portal forms: they parse input only; the rules live in the services they feed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.exceptions import ApplicationError
from core.models import Role


def form_add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: per field where it names fields, else at the top."""
    fields = exc.extra.get("fields") or {}
    shown = False
    for name, message in fields.items():
        if name in form.fields:
            form.add_error(name, message)
            shown = True
    if not shown:
        form.add_error(None, exc.message)


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
