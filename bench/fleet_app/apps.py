from django.apps import AppConfig


class FleetAppConfig(AppConfig):
    """A studio app that exists only to give bench/fleet.py one new migration to apply everywhere."""

    name = "bench.fleet_app"
    label = "fleet_app"
    default_auto_field = "django.db.models.BigAutoField"
