from django.contrib import admin

from program.access.models import (
    AccessToken,
    AuditEvent,
    ProgramPause,
    ProgramSecurity,
    SecurityFlag,
    TokenQuarantine,
)


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


@admin.register(TokenQuarantine)
class TokenQuarantineAdmin(admin.ModelAdmin):
    list_display = ["token", "rule", "created_at", "released_at", "released_by"]
    list_filter = ["rule"]
    list_select_related = ["token", "released_by"]
    raw_id_fields = ["token", "released_by"]


@admin.register(SecurityFlag)
class SecurityFlagAdmin(admin.ModelAdmin):
    list_display = ["token", "kind", "created_at", "resolved_at"]
    list_select_related = ["token"]
    raw_id_fields = ["token", "resolved_by"]


@admin.register(ProgramPause)
class ProgramPauseAdmin(admin.ModelAdmin):
    list_display = ["program", "started_at", "ended_at", "reason"]
    raw_id_fields = ["started_by", "ended_by"]


@admin.register(ProgramSecurity)
class ProgramSecurityAdmin(admin.ModelAdmin):
    list_display = ["program", "spread_max_networks", "requests_per_minute_per_token"]
    raw_id_fields = ["updated_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "action", "actor_label", "target_label", "subject_tester"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "target_label", "reason"]
    list_select_related = ["subject_tester"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
