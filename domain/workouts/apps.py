from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkoutsConfig(AppConfig):
    name = "domain.workouts"
    label = "workouts"
    verbose_name = _("Workouts")
