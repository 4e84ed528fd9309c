from django.contrib import admin

from tenants.models import Domain, PooledSchema, Studio


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "timezone", "currency", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "slug")
    readonly_fields = ("schema_name", "created_at")
    inlines = [DomainInline]


@admin.register(PooledSchema)
class PooledSchemaAdmin(admin.ModelAdmin):
    list_display = ("schema_name", "created_at")
