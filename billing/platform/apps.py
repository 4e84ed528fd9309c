from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformBillingConfig(AppConfig):
    name = "billing.platform"
    label = "billing_platform"
    verbose_name = _("Platform billing")
    default_auto_field = "django.db.models.BigAutoField"
