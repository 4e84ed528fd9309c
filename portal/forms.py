"""Forms of the studio portal. Rules live in the services; forms only shape input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.branding import LOGO_MAX_BYTES
from tenants.models import Studio


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
