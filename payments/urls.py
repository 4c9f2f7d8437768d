from django.urls import path

from payments import views

urlpatterns = [
    path("transparency", views.transparency, name="transparency"),
    path("compensation/", views.compensation, name="payments-compensation"),
    path("payments/stripe/webhook", views.stripe_webhook, name="stripe-webhook"),
    path("portal/payouts/", views.portal_payouts, name="payments-portal"),
    path("portal/payouts/onboarding/", views.portal_onboarding, name="payments-onboarding"),
    path(
        "portal/payouts/onboarding/return/",
        views.portal_onboarding_return,
        name="payments-onboarding-return",
    ),
    path(
        "portal/payouts/statements/<str:month>/", views.portal_statement, name="payments-statement"
    ),
    path(
        "portal/payouts/statements/<str:month>/<str:fmt>/",
        views.portal_statement,
        name="payments-statement-export",
    ),
    path(
        "portal/sessions/<int:pk>/signup/",
        views.portal_session_signup,
        name="payments-session-signup",
    ),
    path(
        "portal/sessions/signups/<int:pk>/log/",
        views.portal_session_log,
        name="payments-session-log",
    ),
    path("staff/payments/", views.finance_console, name="payments-finance"),
    path(
        "staff/payments/periods/<int:pk>/status/",
        views.period_status,
        name="payments-period-status",
    ),
    path("staff/payments/batches/<int:pk>/", views.batch_detail, name="payments-batch"),
    path(
        "staff/payments/batches/<int:pk>/<str:fmt>/",
        views.batch_detail,
        name="payments-batch-export",
    ),
    path(
        "staff/payments/batches/<int:pk>/approve",
        views.batch_approve_view,
        name="payments-batch-approve",
    ),
    path("staff/payments/batches/<int:pk>/pay", views.batch_pay_view, name="payments-batch-pay"),
    path(
        "staff/payments/payouts/<int:pk>/mark-paid",
        views.payout_mark_paid_view,
        name="payments-payout-mark-paid",
    ),
    path("staff/payments/reconcile/", views.reconcile, name="payments-reconcile"),
    path("staff/payments/year-end/", views.year_end, name="payments-year-end"),
    path("staff/payments/year-end/<int:year>/", views.year_end, name="payments-year-end-year"),
    path(
        "staff/payments/year-end/<int:year>/<str:fmt>/",
        views.year_end,
        name="payments-year-end-export",
    ),
    path(
        "staff/payments/statements/<int:tester_id>/<str:month>/",
        views.finance_statement,
        name="payments-finance-statement",
    ),
    path(
        "staff/payments/statements/<int:tester_id>/<str:month>/<str:fmt>/",
        views.finance_statement,
        name="payments-finance-statement-export",
    ),
    path("staff/payments/policy/", views.staff_policy, name="payments-staff-policy"),
    path("staff/payments/sessions/", views.staff_sessions, name="payments-staff-sessions"),
    path(
        "staff/payments/sessions/<int:pk>/",
        views.staff_session_detail,
        name="payments-staff-session",
    ),
]
