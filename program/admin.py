from django.contrib import admin

from program.models import (
    Agreement,
    AgreementAcceptance,
    Invitation,
    Program,
    Tester,
    TesterStatusChange,
)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class StatusChangeInline(admin.TabularInline):
    model = TesterStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tester)
class TesterAdmin(admin.ModelAdmin):
    list_display = ["display_name", "email", "program", "country", "cohort", "status", "joined_at"]
    list_filter = ["program", "status", "cohort", "country"]
    search_fields = ["display_name", "user__email", "cohort"]
    list_select_related = ["user", "program"]
    raw_id_fields = ["user"]
    # Status moves go through tester_change_status (staff console or API) so they are recorded.
    readonly_fields = ["status", "status_changed_at", "joined_at", "created_at"]
    inlines = [StatusChangeInline]
    list_per_page = 100

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "sent_at", "send_count", "expires_at", "responded_at"]
    list_filter = ["status", "tester__program"]
    search_fields = ["email", "tester__display_name"]
    readonly_fields = ["nonce", "tester", "created_at", "responded_at", "decline_reason"]
    list_select_related = ["tester"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "version", "published_at"]
    list_filter = ["program"]
    search_fields = ["title", "body"]

    def get_readonly_fields(self, request, obj=None):
        # Published terms are immutable: testers accepted exactly this text.
        if obj is not None:
            return [f.name for f in self.model._meta.fields]
        return ["version", "body_sha256", "published_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        from program.services.agreements import agreement_publish

        published = agreement_publish(
            program=obj.program, title=obj.title, body=obj.body, published_by=request.user
        )
        obj.pk = published.pk


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["tester", "agreement", "accepted_at", "ip_address"]
    list_filter = ["agreement__program", "agreement"]
    search_fields = ["tester__display_name", "tester__user__email"]
    list_select_related = ["tester", "agreement"]
    readonly_fields = [f.name for f in AgreementAcceptance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TesterStatusChange)
class TesterStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["tester", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["tester__display_name", "reason"]
    readonly_fields = [f.name for f in TesterStatusChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
