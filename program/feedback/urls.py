from django.urls import path

from program.feedback import views

urlpatterns = [
    path("feedback/severity/", views.severity_scale, name="feedback-severity"),
    path("portal/feedback/", views.feedback_list, name="feedback-list"),
    path("portal/feedback/new/", views.feedback_new, name="feedback-new"),
    path("portal/feedback/<int:pk>/", views.feedback_detail_page, name="feedback-detail"),
    path("staff/feedback/", views.staff_queue, name="feedback-queue"),
    path("staff/feedback/bulk/", views.staff_bulk, name="feedback-bulk"),
    path("staff/feedback/<int:pk>/", views.staff_detail, name="feedback-staff-detail"),
]
