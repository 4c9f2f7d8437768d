from django.urls import path

from program.feedback import api

urlpatterns = [
    path("feedback/", api.FeedbackListCreateView.as_view(), name="api-feedback"),
    path("feedback/severity-scale/", api.SeverityScaleView.as_view(), name="api-feedback-severity"),
    path("feedback/<int:pk>/", api.FeedbackDetailView.as_view(), name="api-feedback-detail"),
    path(
        "feedback/<int:pk>/comments/",
        api.FeedbackCommentsView.as_view(),
        name="api-feedback-comments",
    ),
    path(
        "feedback/<int:pk>/attachments/",
        api.FeedbackAttachmentsView.as_view(),
        name="api-feedback-attachments",
    ),
    path(
        "feedback/attachments/<int:pk>/file/",
        api.AttachmentFileView.as_view(),
        name="api-feedback-attachment-file",
    ),
    path("staff/feedback/", api.StaffFeedbackListView.as_view(), name="api-staff-feedback"),
    path("staff/feedback/bulk/", api.StaffBulkView.as_view(), name="api-staff-feedback-bulk"),
    path(
        "staff/feedback/<int:pk>/",
        api.StaffFeedbackDetailView.as_view(),
        name="api-staff-feedback-detail",
    ),
    path(
        "staff/feedback/<int:pk>/transition/",
        api.StaffTransitionView.as_view(),
        name="api-staff-feedback-transition",
    ),
    path(
        "staff/feedback/<int:pk>/comments/",
        api.StaffCommentView.as_view(),
        name="api-staff-feedback-comment",
    ),
    path(
        "staff/feedback/<int:pk>/notes/",
        api.StaffNoteView.as_view(),
        name="api-staff-feedback-note",
    ),
    path(
        "staff/feedback/<int:pk>/ship/",
        api.StaffShipView.as_view(),
        name="api-staff-feedback-ship",
    ),
]
