from django.urls import path

from generation import views

urlpatterns = [
    path("portal/videos/", views.my_videos, name="generation-videos"),
    path("portal/videos/new/", views.generate, name="generation-new"),
    path("portal/videos/<str:public_id>/", views.video_detail, name="generation-video"),
    path(
        "portal/videos/<str:public_id>/status/",
        views.video_status,
        name="generation-video-status",
    ),
    path(
        "portal/videos/<str:public_id>/cancel/", views.video_cancel, name="generation-video-cancel"
    ),
    path(
        "portal/videos/<str:public_id>/delete/", views.video_delete, name="generation-video-delete"
    ),
    path("portal/videos/<str:public_id>/remix/", views.video_remix, name="generation-video-remix"),
    path("staff/videos/", views.staff_jobs, name="staff-generation"),
    path("staff/videos/<str:public_id>/", views.staff_job, name="staff-generation-job"),
    path(
        "staff/videos/<str:public_id>/content/",
        views.staff_job_content,
        name="staff-generation-job-content",
    ),
]
