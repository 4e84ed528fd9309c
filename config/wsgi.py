import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Import both URLconfs (every API router and its schemas) now, while the worker boots, rather than
# in the first request it serves: on a busy 2-core machine that first request took 10 s or more.
for _urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
    get_resolver(_urlconf).reverse_dict  # noqa: B018 - building it is the point

# Preloaded by gunicorn's master (deploy/gunicorn.conf.py), whatever the import opened is forked into every
# worker: a database connection shared by two processes interleaves their queries. Close it here, in the
# master, before any fork; each worker opens its own on its first query.
connections.close_all()
