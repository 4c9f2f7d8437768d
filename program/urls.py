from django.urls import path

from program import views

urlpatterns = [
    path("", views.home, name="home"),
    path("terms/", views.terms, name="terms"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
    path("portal/", views.portal_dashboard, name="portal-dashboard"),
    path("portal/agreement/", views.portal_agreement, name="portal-agreement"),
    path(
        "portal/agreement/<int:pk>/download/", views.acceptance_download, name="acceptance-download"
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("staff/", views.staff_overview, name="staff-overview"),
    path("staff/testers/", views.staff_testers, name="staff-testers"),
    path("staff/testers/bulk/", views.staff_testers_bulk, name="staff-testers-bulk"),
    path("staff/testers/<int:pk>/", views.staff_tester_detail, name="staff-tester"),
    path("staff/invitations/", views.staff_invitations, name="staff-invitations"),
    path(
        "staff/invitations/imports/<int:pk>/",
        views.staff_invitation_import,
        name="staff-invitation-import",
    ),
    path(
        "staff/invitations/<int:pk>/resend/",
        views.staff_invitation_resend,
        name="staff-invitation-resend",
    ),
    path("staff/agreements/", views.staff_agreements, name="staff-agreements"),
]
