"""bench/fleet.py's second deploy: the development settings plus one studio app with one new migration."""

from config.settings.local import *  # noqa: F403
from config.settings.local import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.fleet_app"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench.fleet_app"]
