"""django.contrib.admin with the platform-staff-only site (tenants/admin_site.py) as `admin.site`.

Its own module: importing AdminConfig into tenants/apps.py would confuse Django's choice of
the tenants app's default config.
"""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "tenants.admin_site.PlatformAdminSite"
