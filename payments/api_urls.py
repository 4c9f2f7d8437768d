from django.urls import path

from payments import api

urlpatterns = [
    path("payments/policy/", api.PolicyView.as_view(), name="api-payments-policy"),
    path(
        "payments/transparency/", api.TransparencyView.as_view(), name="api-payments-transparency"
    ),
    path("payments/me/", api.MyPayView.as_view(), name="api-payments-me"),
    path("payments/me/onboarding/", api.OnboardingView.as_view(), name="api-payments-onboarding"),
    path(
        "payments/me/statements/<str:month>/",
        api.MyStatementView.as_view(),
        name="api-payments-statement",
    ),
    path("payments/me/payouts/", api.MyPayoutsView.as_view(), name="api-payments-my-payouts"),
    path("payments/me/signups/", api.MySignupsView.as_view(), name="api-payments-my-signups"),
    path("payments/sessions/", api.SessionListView.as_view(), name="api-payments-sessions"),
    path(
        "payments/sessions/<int:pk>/signup/",
        api.SessionSignupView.as_view(),
        name="api-payments-session-signup",
    ),
    path(
        "payments/signups/<int:pk>/log/",
        api.SignupLogView.as_view(),
        name="api-payments-signup-log",
    ),
    path(
        "payments/signups/<int:pk>/confirm/",
        api.SignupConfirmView.as_view(),
        name="api-payments-signup-confirm",
    ),
    path("payments/periods/", api.PeriodListView.as_view(), name="api-payments-periods"),
    path("payments/batches/<int:pk>/", api.BatchDetailView.as_view(), name="api-payments-batch"),
    path(
        "payments/batches/<int:pk>/approve/",
        api.BatchApproveView.as_view(),
        name="api-payments-batch-approve",
    ),
    path(
        "payments/batches/<int:pk>/pay/", api.BatchPayView.as_view(), name="api-payments-batch-pay"
    ),
    path(
        "payments/payouts/<int:pk>/mark-paid/",
        api.PayoutMarkPaidView.as_view(),
        name="api-payments-mark-paid",
    ),
    path("payments/reconcile/", api.ReconcileView.as_view(), name="api-payments-reconcile"),
    path(
        "payments/reports/year-end/<int:year>/",
        api.YearEndView.as_view(),
        name="api-payments-year-end",
    ),
]
