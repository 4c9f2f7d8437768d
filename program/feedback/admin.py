from django.contrib import admin

from program.feedback.models import Feedback, FeedbackAttachment, FeedbackComment, FeedbackJob


class FeedbackJobInline(admin.TabularInline):
    model = FeedbackJob
    extra = 0
    raw_id_fields = ["job"]


class FeedbackAttachmentInline(admin.TabularInline):
    model = FeedbackAttachment
    extra = 0
    raw_id_fields = ["uploaded_by"]


class FeedbackCommentInline(admin.StackedInline):
    model = FeedbackComment
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read mostly: state changes go through triage so clocks, pay and notices stay right."""

    list_display = ["id", "title", "kind", "severity", "state", "tester", "created_at"]
    list_filter = ["state", "kind", "severity"]
    search_fields = ["title", "tester__display_name"]
    raw_id_fields = ["tester", "duplicate_of", "program"]
    readonly_fields = ["state", "duplicate_of", "first_response_at", "triaged_at", "decided_at"]
    inlines = [FeedbackJobInline, FeedbackAttachmentInline, FeedbackCommentInline]
