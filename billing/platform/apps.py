from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformBillingConfig(AppConfig):
    name = "billing.platform"
    label = "billing_platform"
    verbose_name = _("Platform billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.people import client_admission_check_register

        client_admission_check_register(_client_limit_here)


def _client_limit_here() -> None:
    from billing.platform.limits import client_limit_check

    client_limit_check()
