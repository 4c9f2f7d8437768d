from django.contrib import admin

from program.access.models import AccessToken


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "tester",
        "status",
        "expires_at",
        "last_used_at",
        "last_used_ip",
    ]
    list_filter = ["status"]
    search_fields = ["name", "prefix", "tester__display_name", "tester__user__email"]
    list_select_related = ["tester"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at", "last_used_ip"]
    raw_id_fields = ["tester", "created_by"]
