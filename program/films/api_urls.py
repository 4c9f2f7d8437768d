from django.urls import path

from program.films import api

urlpatterns = [
    # Artists: their own films and the license requests on them.
    path("films/", api.FilmListView.as_view(), name="api-films"),
    path("films/assemble/", api.FilmAssembleView.as_view(), name="api-films-assemble"),
    path("films/public/", api.PublicFilmListView.as_view(), name="api-films-public"),
    path("films/licenses/", api.MyLicenseListView.as_view(), name="api-films-licenses-mine"),
    path("films/<int:pk>/", api.FilmDetailView.as_view(), name="api-film"),
    path("films/<int:pk>/submit/", api.FilmSubmitView.as_view(), name="api-film-submit"),
    path("films/<int:pk>/withdraw/", api.FilmWithdrawView.as_view(), name="api-film-withdraw"),
    path(
        "films/<int:pk>/credit-line/", api.FilmCreditLineView.as_view(), name="api-film-credit-line"
    ),
    path("films/<int:pk>/reviews/", api.FilmReviewsView.as_view(), name="api-film-reviews"),
    path("films/<int:pk>/licenses/", api.FilmLicenseListView.as_view(), name="api-film-licenses"),
    *[
        path(
            f"films/<int:pk>/licenses/<int:license_pk>/{action}/",
            api.FilmLicenseResponseView.as_view(action=action),
            name=f"api-film-license-{action}",
        )
        for action in ("accept", "decline", "withdraw")
    ],
    # Curators: blind review.
    path(
        "curation/assignments/mine/",
        api.CuratorAssignmentListView.as_view(),
        name="api-curation-mine",
    ),
    path(
        "curation/assignments/mine/<int:pk>/",
        api.CuratorAssignmentDetailView.as_view(),
        name="api-curation-assignment",
    ),
    path(
        "curation/assignments/mine/<int:pk>/review/",
        api.CuratorReviewView.as_view(),
        name="api-curation-review",
    ),
    path(
        "curation/assignments/mine/<int:pk>/conflict/",
        api.CuratorConflictView.as_view(),
        name="api-curation-conflict",
    ),
    path(
        "curation/rounds/<int:pk>/results/",
        api.RoundResultsView.as_view(),
        name="api-round-results",
    ),
    # Staff: rounds, rubrics, assignments, decisions, screenings, licenses.
    path("curation/rounds/", api.RoundListView.as_view(), name="api-rounds"),
    path("curation/rounds/<int:pk>/", api.RoundDetailView.as_view(), name="api-round"),
    path(
        "curation/rounds/<int:pk>/criteria/",
        api.CriterionCreateView.as_view(),
        name="api-round-criteria",
    ),
    path(
        "curation/rounds/<int:pk>/assignments/",
        api.RoundAssignmentListView.as_view(),
        name="api-round-assignments",
    ),
    path(
        "curation/rounds/<int:pk>/autoassign/",
        api.RoundAutoAssignView.as_view(),
        name="api-round-autoassign",
    ),
    path(
        "curation/rounds/<int:pk>/decisions/",
        api.DecisionView.as_view(),
        name="api-round-decisions",
    ),
    path(
        "curation/rounds/<int:pk>/release/",
        api.RoundReleaseView.as_view(),
        name="api-round-release",
    ),
    path("curation/assignments/", api.AssignmentCreateView.as_view(), name="api-assignments"),
    path("curation/films/", api.StaffFilmListView.as_view(), name="api-staff-films"),
    path(
        "curation/films/<int:pk>/credit-line/",
        api.StaffCreditLineView.as_view(),
        name="api-staff-credit-line",
    ),
    path("screenings/", api.ScreeningListView.as_view(), name="api-screenings"),
    path("screenings/<int:pk>/", api.ScreeningDetailView.as_view(), name="api-screening"),
    path(
        "screenings/<int:pk>/films/",
        api.ScreeningAddFilmView.as_view(),
        name="api-screening-films",
    ),
    path(
        "screenings/<int:pk>/confirm/",
        api.ScreeningConfirmView.as_view(),
        name="api-screening-confirm",
    ),
    path("licenses/", api.LicenseListView.as_view(), name="api-licenses"),
    path("licenses/uses/", api.LicenseUseListView.as_view(), name="api-license-uses"),
    path("licenses/<int:pk>/", api.LicenseDetailView.as_view(), name="api-license"),
    path("licenses/<int:pk>/cancel/", api.LicenseCancelView.as_view(), name="api-license-cancel"),
    path("licenses/<int:pk>/uses/", api.LicenseUseCreateView.as_view(), name="api-license-use"),
]
