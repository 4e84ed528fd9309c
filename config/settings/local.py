"""Development: DEBUG on, console email, *.localhost hosts."""

from config.settings.base import *  # noqa: F403
from config.settings.base import ALLOWED_HOSTS

DEBUG = True
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1"]
