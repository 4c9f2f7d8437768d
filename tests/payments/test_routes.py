"""Authorization for every payments route, plus the web and API flows on top of the services."""

import pytest
from django.test import Client

from payments.models import PayoutBatch, TestAssignment
from payments.services.payouts import batch_approve
from tests.conftest import client_for
from tests.payments.conftest import close, earn, last_month


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def batch(program, artist, finance_user, policy):
    earn(artist, 5000)
    return close(program, user=finance_user).batch


@pytest.fixture
def assignment(program, program_staff):
    from django.utils import timezone

    from payments.services.sessions import assignment_create

    today = timezone.localdate()
    return assignment_create(
        program=program,
        title="Stress-test motion",
        brief="Try fast camera moves.",
        expected_minutes=120,
        starts_on=today,
        ends_on=today,
        seats=1,
        created_by=program_staff,
    )


FINANCE_PAGES = [
    "/staff/payments/",
    "/staff/payments/batches/{batch}/",
    "/staff/payments/batches/{batch}/csv/",
    "/staff/payments/batches/{batch}/pdf/",
    "/staff/payments/batches/{batch}/manual/",
    "/staff/payments/reconcile/",
    "/staff/payments/year-end/",
    "/staff/payments/year-end/2026/csv/",
    "/staff/payments/year-end/2026/pdf/",
    "/staff/payments/statements/{artist}/{month}/",
    "/staff/payments/statements/{artist}/{month}/pdf/",
    "/staff/payments/periods/{period}/status/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", FINANCE_PAGES)
def test_finance_pages_admit_finance_only(
    path, batch, artist, curator, program_staff, finance_user
):
    url = path.format(
        batch=batch.pk, artist=artist.pk, month=f"{last_month():%Y-%m}", period=batch.period_id
    )
    assert web().get(url).status_code == 302  # anonymous → login
    assert web(artist.user).get(url).status_code == 403
    assert web(curator).get(url).status_code == 403
    assert web(program_staff).get(url).status_code == 403
    assert web(finance_user).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/staff/payments/sessions/", "/staff/payments/sessions/{assignment}/"]
)
def test_session_staff_pages_admit_program_staff_only(
    path, assignment, artist, curator, finance_user, program_staff
):
    url = path.format(assignment=assignment.pk)
    assert web().get(url).status_code == 302
    for user in (artist.user, curator, finance_user):
        assert web(user).get(url).status_code == 403
    assert web(program_staff).get(url).status_code == 200


@pytest.mark.django_db
def test_confirming_hours_for_a_forged_signup_id_is_404_not_500(assignment, program_staff):
    url = f"/staff/payments/sessions/{assignment.pk}/"
    response = web(program_staff).post(url, {"signup": "not-a-number", "minutes": "30"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_onboarding_without_stripe_configured_is_409_not_500(artist, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client_for(artist.user).post("/api/payments/me/onboarding/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stripe_not_configured"


@pytest.mark.django_db
def test_year_end_api_refuses_a_year_out_of_range_naming_it(finance_user, program):
    response = client_for(finance_user).get("/api/payments/reports/year-end/99999/")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "year"


@pytest.mark.django_db
def test_statement_api_refuses_a_month_that_is_not_yyyy_mm(artist):
    response = client_for(artist.user).get("/api/payments/me/statements/2026-13/")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "month"


@pytest.mark.django_db
def test_policy_staff_page_admits_program_staff_and_finance(
    artist, curator, finance_user, program_staff, policy
):
    assert web(artist.user).get("/staff/payments/policy/").status_code == 403
    assert web(curator).get("/staff/payments/policy/").status_code == 403
    assert web(finance_user).get("/staff/payments/policy/").status_code == 200
    assert web(program_staff).get("/staff/payments/policy/").status_code == 200


@pytest.mark.django_db
def test_artist_pages_show_only_their_own_statement(batch, artist, other_artist, finance_user):
    month = f"{last_month():%Y-%m}"
    own = web(artist.user).get(f"/portal/payouts/statements/{month}/")
    assert own.status_code == 200 and "Test work" in own.content.decode()
    other = web(other_artist.user).get(f"/portal/payouts/statements/{month}/")
    assert other.status_code == 200 and "Test work" not in other.content.decode()
    assert web(finance_user).get(f"/portal/payouts/statements/{month}/").status_code == 403
    assert web().get("/portal/payouts/").status_code == 302
    page = web(artist.user).get("/portal/payouts/")
    assert page.status_code == 200 and "Stripe" in page.content.decode()


@pytest.mark.django_db
def test_statement_downloads_are_csv_and_pdf(batch, artist):
    month = f"{last_month():%Y-%m}"
    csv = web(artist.user).get(f"/portal/payouts/statements/{month}/csv/")
    assert csv["Content-Type"].startswith("text/csv") and b"license.fee" in csv.content
    pdf = web(artist.user).get(f"/portal/payouts/statements/{month}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_public_pages_need_no_login_and_show_no_names(batch, artist, policy):
    transparency = web().get("/transparency")
    assert transparency.status_code == 200
    assert artist.display_name not in transparency.content.decode()
    assert artist.user.email not in transparency.content.decode()
    compensation = web().get("/compensation/")
    assert compensation.status_code == 200 and "$3,000.00" in compensation.content.decode()


@pytest.mark.django_db
def test_web_four_eyes_approval_and_pay(batch, finance_user, settings):
    from payments.models import Payout

    PayoutBatch.objects.filter(pk=batch.pk)  # closed by finance_user
    response = web(finance_user).post(f"/staff/payments/batches/{batch.pk}/approve", follow=True)
    assert "Four eyes" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft"
    pay = web(finance_user).post(f"/staff/payments/batches/{batch.pk}/pay", follow=True)
    assert "not approved" in pay.content.decode()
    assert Payout.objects.get().status == "pending"


@pytest.mark.django_db
def test_web_close_period_enqueues_the_task_on_commit(
    program, finance_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = web(finance_user).post("/staff/payments/", {"month": f"{last_month():%Y-%m}"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert "closing" in web(finance_user).get("/staff/payments/").content.decode().lower()


@pytest.mark.django_db
def test_webhook_route_is_public_but_needs_a_signature(client, settings):
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_x"]
    response = client.post("/payments/stripe/webhook", data=b"{}", content_type="application/json")
    assert response.status_code == 400


# --- API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_finance_routes_refuse_other_roles(
    batch, artist, curator, program_staff, finance_user, api_client
):
    routes = [
        ("get", "/api/payments/periods/"),
        ("get", f"/api/payments/batches/{batch.pk}/"),
        ("post", f"/api/payments/batches/{batch.pk}/approve/"),
        ("post", f"/api/payments/batches/{batch.pk}/pay/"),
        ("get", "/api/payments/reports/year-end/2026/"),
    ]
    for method, url in routes:
        assert getattr(api_client, method)(url).status_code == 401
        for user in (artist.user, curator, program_staff):
            assert getattr(client_for(user), method)(url).status_code == 403, url
    assert client_for(finance_user).get("/api/payments/periods/").status_code == 200


@pytest.mark.django_db
def test_api_approve_own_batch_is_403_with_envelope(batch, finance_user, finance_user2):
    response = client_for(finance_user).post(f"/api/payments/batches/{batch.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "four_eyes"
    assert (
        client_for(finance_user2).post(f"/api/payments/batches/{batch.pk}/approve/").status_code
        == 200
    )


@pytest.mark.django_db
def test_api_batch_detail_query_count_is_bounded(
    batch, finance_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client_for(finance_user).get(f"/api/payments/batches/{batch.pk}/")
    assert response.status_code == 200 and len(response.json()["payouts"]) == 1


@pytest.mark.django_db
def test_api_my_payouts_list_shows_only_mine(
    batch, artist, other_artist, finance_user2, django_assert_max_num_queries
):
    batch_approve(batch=batch, approver=finance_user2)
    with django_assert_max_num_queries(10):
        mine = client_for(artist.user).get("/api/payments/me/payouts/")
    assert mine.json()["count"] == 1
    assert client_for(other_artist.user).get("/api/payments/me/payouts/").json()["count"] == 0
    assert client_for(finance_user2).get("/api/payments/me/payouts/").status_code == 403


@pytest.mark.django_db
def test_api_statement_and_me(batch, artist):
    month = f"{last_month():%Y-%m}"
    statement = client_for(artist.user).get(f"/api/payments/me/statements/{month}/").json()
    assert statement["rows"][0]["amount_minor"] == 5000
    assert (
        client_for(artist.user)
        .get("/api/payments/me/statements/nonsense/")
        .json()["error"]["param"]
        == "month"
    )
    me = client_for(artist.user).get("/api/payments/me/").json()
    assert me["balance"] == [] or me["balance"][0]["amount_minor"] == 0


@pytest.mark.django_db
def test_api_policy_publish_refuses_lowering_past_pay(program_staff, policy, curator):
    from django.utils import timezone

    body = {"effective_from": timezone.now().isoformat(), "stipend_monthly_minor": 1}
    assert client_for(curator).post("/api/payments/policy/", body, format="json").status_code == 403
    response = client_for(program_staff).post("/api/payments/policy/", body, format="json")
    assert response.status_code == 409  # conflicts with the version in force, field named
    assert response.json()["error"]["param"] == "stipend_monthly_minor"
    assert client_for(program_staff).get("/api/payments/policy/").json()["in_force"]["version"] == 1


@pytest.mark.django_db
def test_api_transparency_is_public(api_client, program):
    response = api_client.get("/api/payments/transparency/")
    assert response.status_code == 200 and "gini" in response.json()


# --- Paid test sessions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_session_flow_signup_log_confirm_with_cut_explained(
    assignment, artist, other_artist, program_staff, policy
):
    signup = client_for(artist.user).post(f"/api/payments/sessions/{assignment.pk}/signup/")
    assert signup.status_code == 201
    full = client_for(other_artist.user).post(f"/api/payments/sessions/{assignment.pk}/signup/")
    assert full.status_code == 409 and full.json()["error"]["code"] == "session_full"
    signup_id = signup.json()["id"]
    assert (
        client_for(other_artist.user)
        .post(f"/api/payments/signups/{signup_id}/log/", {"minutes": 60, "report": "x"})
        .status_code
        == 404
    )  # not theirs
    logged = client_for(artist.user).post(
        f"/api/payments/signups/{signup_id}/log/", {"minutes": 150, "report": "Tried pans."}
    )
    assert logged.status_code == 200
    no_reason = client_for(program_staff).post(
        f"/api/payments/signups/{signup_id}/confirm/", {"minutes": 120}
    )
    assert no_reason.status_code == 409 and no_reason.json()["error"]["param"] == "cut_reason"
    assert (
        client_for(artist.user)
        .post(f"/api/payments/signups/{signup_id}/confirm/", {"minutes": 120})
        .status_code
        == 403
    )
    done = client_for(program_staff).post(
        f"/api/payments/signups/{signup_id}/confirm/",
        {"minutes": 120, "cut_reason": "30 min were setup"},
    )
    assert done.status_code == 200 and done.json()["cut_reason"] == "30 min were setup"
    from payments.models import Earning

    earning = Earning.objects.get(rule="session.hours")
    assert earning.amount_minor == 2500 * 2  # two hours at the pay floor
    page = web(artist.user).get("/portal/payouts/").content.decode()
    assert "30 min were setup" in page


@pytest.mark.django_db
def test_session_web_signup(assignment, artist):
    response = web(artist.user).post(f"/portal/sessions/{assignment.pk}/signup/")
    assert response.status_code == 302
    assert TestAssignment.objects.get().signups.count() == 1


ARTIST_API = [
    ("get", "/api/payments/me/"),
    ("get", "/api/payments/me/payouts/"),
    ("get", "/api/payments/me/signups/"),
    ("get", "/api/payments/me/statements/2026-01/"),
    ("post", "/api/payments/me/onboarding/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ARTIST_API)
def test_api_artist_routes_refuse_anonymous_and_staff(
    method, url, program, curator, finance_user, program_staff, api_client
):
    assert getattr(api_client, method)(url).status_code == 401
    for user in (curator, finance_user, program_staff):
        assert getattr(client_for(user), method)(url).status_code == 403


@pytest.mark.django_db
def test_api_sessions_list_for_artists_and_program_staff_only(
    assignment, artist, curator, finance_user, program_staff, api_client
):
    assert api_client.get("/api/payments/sessions/").status_code == 401
    assert client_for(curator).get("/api/payments/sessions/").status_code == 403
    assert client_for(finance_user).get("/api/payments/sessions/").status_code == 403
    assert (
        client_for(artist.user).get("/api/payments/sessions/").json()[0]["title"]
        == "Stress-test motion"
    )
    denied = client_for(artist.user).post("/api/payments/sessions/", {"title": "x"})
    assert denied.status_code == 403
    assert client_for(program_staff).get("/api/payments/sessions/").status_code == 200


@pytest.mark.django_db
def test_web_artist_cannot_log_hours_on_another_artists_signup(assignment, artist, other_artist):
    from payments.services.sessions import signup_create

    signup = signup_create(assignment=assignment, tester=artist)
    response = web(other_artist.user).post(
        f"/portal/sessions/signups/{signup.pk}/log/", {"minutes": 60, "report": "mine now"}
    )
    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.logged_minutes is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/portal/payouts/",
        "/portal/payouts/statements/2026-01/",
        "/portal/payouts/onboarding/return/",
    ],
)
def test_artist_pages_refuse_staff(path, program, curator, finance_user, program_staff):
    assert web().get(path).status_code == 302
    for user in (curator, finance_user, program_staff):
        assert web(user).get(path).status_code == 403


@pytest.mark.django_db
def test_unknown_export_format_is_404(batch, artist, finance_user):
    assert web(finance_user).get(f"/staff/payments/batches/{batch.pk}/xls/").status_code == 404
    assert (
        web(artist.user).get(f"/portal/payouts/statements/{last_month():%Y-%m}/xls/").status_code
        == 404
    )
