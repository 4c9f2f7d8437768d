from django.urls import path

from program.access import api

urlpatterns = [
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<int:pk>/", api.TokenDetailView.as_view(), name="api-token"),
    path("tokens/<int:pk>/rotate/", api.TokenRotateView.as_view(), name="api-token-rotate"),
    path("audit-events/", api.AuditEventListView.as_view(), name="api-audit-events"),
    path(
        "security/quarantines/", api.QuarantineListView.as_view(), name="api-security-quarantines"
    ),
    path(
        "security/quarantines/<int:pk>/release/",
        api.QuarantineReleaseView.as_view(),
        name="api-security-quarantine-release",
    ),
    path("security/flags/", api.FlagListView.as_view(), name="api-security-flags"),
    path(
        "security/flags/<int:pk>/resolve/",
        api.FlagResolveView.as_view(),
        name="api-security-flag-resolve",
    ),
    path("security/settings/", api.ProgramSecurityView.as_view(), name="api-security-settings"),
    path("security/pauses/", api.PauseListView.as_view(), name="api-security-pauses"),
    path("security/pause/", api.PauseView.as_view(), name="api-security-pause"),
    path("security/resume/", api.ResumeView.as_view(), name="api-security-resume"),
    path("security/token-reports", api.TokenReportView.as_view(), name="api-token-reports"),
]
