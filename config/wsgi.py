import gc
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

# Everything imported so far lives as long as the process: move it out of the garbage collector's sight, so
# a full collection in a worker walks only what requests made (pauses of tens of ms on the list endpoints
# otherwise), and, preloaded, the forked workers do not write to those pages (copy-on-write stays shared).
gc.collect()
gc.freeze()
