from django.urls import path

from program.access import views

urlpatterns = [
    path("portal/tokens/", views.portal_tokens, name="portal-tokens"),
    path("portal/tokens/<int:pk>/rotate/", views.portal_token_rotate, name="portal-token-rotate"),
    path("portal/tokens/<int:pk>/revoke/", views.portal_token_revoke, name="portal-token-revoke"),
    path("staff/security/", views.staff_security, name="staff-security"),
    path(
        "staff/security/quarantines/<int:pk>/release/",
        views.staff_quarantine_release,
        name="staff-quarantine-release",
    ),
    path(
        "staff/security/flags/<int:pk>/resolve/",
        views.staff_flag_resolve,
        name="staff-flag-resolve",
    ),
    path("staff/security/pause/", views.staff_program_pause, name="staff-program-pause"),
    path("staff/security/resume/", views.staff_program_resume, name="staff-program-resume"),
    path(
        "staff/security/settings/",
        views.staff_security_settings,
        name="staff-security-settings",
    ),
    path("staff/security/audit/", views.staff_audit, name="staff-audit"),
]
