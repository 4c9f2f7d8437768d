from django.contrib import admin

from program.films.models import Film, License, LicenseUse, Round, Screening


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = ["title", "tester", "status", "round", "created_at"]
    list_filter = ["status", "round"]
    search_fields = ["title", "tester__display_name"]
    readonly_fields = ["key", "video", "poster", "codec", "duration_ms", "size_bytes"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "reviewers_per_film", "notify_at", "released_at"]


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["film", "use", "status", "fee_minor", "currency", "starts_on", "ends_on"]
    list_filter = ["status", "use"]
    # Accepted terms are evidence: read-only here too.
    readonly_fields = ["accepted_terms", "accepted_terms_sha256", "accepted_ip", "responded_at"]


@admin.register(LicenseUse)
class LicenseUseAdmin(admin.ModelAdmin):
    list_display = ["license", "channel", "used_on", "logged_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "fee_minor", "currency"]
