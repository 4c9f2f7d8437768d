from django.urls import path

from program import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", api.NotificationReadView.as_view(), name="api-notifications-read"),
    path("testers/", api.TesterListView.as_view(), name="api-testers"),
    path("testers/<int:pk>/", api.TesterDetailView.as_view(), name="api-tester"),
    path("testers/<int:pk>/status/", api.TesterStatusView.as_view(), name="api-tester-status"),
    path("invitations/", api.InvitationListView.as_view(), name="api-invitations"),
    path("invitations/import/", api.InvitationImportView.as_view(), name="api-invitations-import"),
    path("invitations/accept/", api.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path(
        "invitations/decline/", api.InvitationDeclineView.as_view(), name="api-invitation-decline"
    ),
    path(
        "invitations/<int:pk>/resend/",
        api.InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
    path("agreements/", api.AgreementListView.as_view(), name="api-agreements"),
    path("agreements/current/", api.AgreementCurrentView.as_view(), name="api-agreement-current"),
    path(
        "agreements/<int:pk>/accept/",
        api.AgreementAcceptView.as_view(),
        name="api-agreement-accept",
    ),
    path("agreements/acceptances/", api.AcceptanceListView.as_view(), name="api-acceptances"),
    path(
        "agreements/acceptances/<int:pk>/download/",
        api.AcceptanceDownloadView.as_view(),
        name="api-acceptance-download",
    ),
]
