"""Films API: artists (own films, licenses), curators (blind review), staff (curation, screenings,
licenses). Views are thin: they check the role, read through selectors and write through services.
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.api import query_choice
from atelier.drf import ObjectJSONParser, StrictMultiPartParser
from program.access.models import AccessToken, Scope
from program.access.network import client_ip
from program.api import require_program, require_tester
from program.films import selectors
from program.films import serializers as s
from program.films.models import Assignment, Film, License, Round, Screening
from program.films.services import curation, films, licensing, screenings
from program.roles import HasRole, Role

ArtistRole = HasRole.of(Role.ARTIST)
Curator = HasRole.of(Role.CURATOR)
Staff = HasRole.of(Role.PROGRAM_STAFF)
User = get_user_model()


class TokenLimits(BasePermission):
    """Access tokens may read (videos:read) and create films (videos:write), never give consent.

    Accepting or withdrawing a license, approving a credit line and withdrawing a film speak for
    the artist; a leaked token must not be able to do that, so those need a signed-in session.
    """

    message = "This token lacks the required scope."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return True
        if getattr(view, "consent", False):
            self.message = (
                "This action needs a signed-in session; access tokens cannot give consent."
            )
            return False
        scope = Scope.VIDEOS_READ if request.method in SAFE_METHODS else Scope.VIDEOS_WRITE
        if not token.has_scope(scope):
            self.message = f"This token lacks the '{scope}' scope."
            return False
        return True


Artist = [ArtistRole, TokenLimits]


class StaffOrFinanceReads(HasRole):
    """Program staff do everything; finance may read (licenses, uses, screenings: they pay them)."""

    def has_permission(self, request, view) -> bool:
        roles = (Role.PROGRAM_STAFF, Role.FINANCE) if request.method in SAFE_METHODS else ()
        self.roles = roles or (Role.PROGRAM_STAFF,)
        return super().has_permission(request, view)


# --- Artists ----------------------------------------------------------------------------------


def _create_film(create, tester, values: dict, **source) -> Response:
    """Create a film from an upload or from jobs, and submit it at once if asked."""
    film = create(
        tester=tester,
        title=values["title"],
        description=values["description"],
        credits=values["credits"],
        **source,
    )
    if values["submit"]:
        film = films.film_submit(film=film, tester=tester)
    return Response(s.FilmSerializer(film).data, status=status.HTTP_201_CREATED)


class FilmListView(generics.ListAPIView):
    permission_classes = Artist
    serializer_class = s.FilmSerializer
    parser_classes = [StrictMultiPartParser]

    def get_queryset(self):
        return selectors.film_list_for_tester(tester=require_tester(self.request)).prefetch_related(
            "provenance"
        )

    @extend_schema(
        request={"multipart/form-data": s.FilmUploadSerializer},
        responses={201: s.FilmSerializer},
        summary="Submit a film by uploading an MP4",
    )
    def post(self, request):
        tester = require_tester(request)
        data = s.FilmUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return _create_film(films.film_create_upload, tester, values, upload=values["video"])


class FilmAssembleView(APIView):
    permission_classes = Artist
    parser_classes = [ObjectJSONParser]

    @extend_schema(
        request=s.FilmAssembleSerializer,
        responses={201: s.FilmSerializer},
        summary="Make a film from your own completed generations",
    )
    def post(self, request):
        tester = require_tester(request)
        data = s.FilmAssembleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return _create_film(films.film_create_from_jobs, tester, values, job_ids=values["jobs"])


class FilmDetailView(APIView):
    permission_classes = Artist

    @extend_schema(responses=s.FilmSerializer)
    def get(self, request, pk: int):
        film = selectors.film_get_for_tester(tester=require_tester(request), pk=pk)
        return Response(s.FilmSerializer(film).data)

    @extend_schema(request=s.FilmUpdateSerializer, responses=s.FilmSerializer)
    def patch(self, request, pk: int):
        tester = require_tester(request)
        film = selectors.film_get_for_tester(tester=tester, pk=pk)
        data = s.FilmUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = films.film_update(film=film, tester=tester, **data.validated_data)
        return Response(s.FilmSerializer(film).data)


class FilmSubmitView(APIView):
    permission_classes = Artist

    @extend_schema(
        request=None, responses=s.FilmSerializer, summary="Enter a draft in the open round"
    )
    def post(self, request, pk: int):
        tester = require_tester(request)
        film = selectors.film_get_for_tester(tester=tester, pk=pk)
        return Response(s.FilmSerializer(films.film_submit(film=film, tester=tester)).data)


class FilmWithdrawView(APIView):
    permission_classes = Artist
    consent = True

    @extend_schema(request=s.ReasonSerializer, responses=s.FilmSerializer)
    def post(self, request, pk: int):
        tester = require_tester(request)
        film = selectors.film_get_for_tester(tester=tester, pk=pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = films.film_withdraw(film=film, tester=tester, reason=data.validated_data["reason"])
        return Response(s.FilmSerializer(film).data)


class FilmCreditLineView(APIView):
    permission_classes = Artist
    consent = True

    @extend_schema(
        request=s.CreditLineSerializer,
        responses=s.FilmSerializer,
        summary="Approve the credit line shown with your film",
    )
    def post(self, request, pk: int):
        tester = require_tester(request)
        film = selectors.film_get_for_tester(tester=tester, pk=pk)
        data = s.CreditLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = films.film_credit_line_approve(
            film=film, tester=tester, text=data.validated_data["credit_line"]
        )
        return Response(s.FilmSerializer(film).data)


class FilmReviewsView(APIView):
    permission_classes = Artist

    @extend_schema(
        responses=s.SharedReviewSerializer(many=True),
        summary="Rubric scores and feedback shared with you (after the round's release)",
    )
    def get(self, request, pk: int):
        film = selectors.film_get_for_tester(tester=require_tester(request), pk=pk)
        return Response(
            s.SharedReviewSerializer(selectors.shared_reviews(film=film), many=True).data
        )


class FilmLicenseListView(APIView):
    permission_classes = Artist

    @extend_schema(responses=s.LicenseSerializer(many=True), summary="License requests for a film")
    def get(self, request, pk: int):
        film = selectors.film_get_for_tester(tester=require_tester(request), pk=pk)
        licenses = film.licenses.select_related("film").order_by("-requested_at", "-id")
        return Response(s.LicenseSerializer(licenses, many=True).data)


class MyLicenseListView(generics.ListAPIView):
    """Every license request on the artist's own films."""

    permission_classes = Artist
    serializer_class = s.LicenseSerializer

    @extend_schema(operation_id="films_my_licenses_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.license_list_for_tester(tester=require_tester(self.request))


class FilmLicenseResponseView(APIView):
    """accept / decline / withdraw one license request on the artist's own film."""

    permission_classes = Artist
    consent = True
    action = ""

    @extend_schema(request=s.ReasonSerializer, responses=s.LicenseSerializer)
    def post(self, request, pk: int, license_pk: int):
        tester = require_tester(request)
        film = selectors.film_get_for_tester(tester=tester, pk=pk)
        license = get_object_or_404(License, pk=license_pk, film=film)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        if self.action == "accept":
            license = licensing.license_accept(
                license=license, tester=tester, ip_address=client_ip(request)
            )
        elif self.action == "decline":
            license = licensing.license_decline(license=license, tester=tester, reason=reason)
        else:
            license = licensing.license_withdraw(license=license, tester=tester, reason=reason)
        return Response(s.LicenseSerializer(license).data)


# --- Curators ---------------------------------------------------------------------------------


def curator_assignment_data(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "status": assignment.status,
        "round": assignment.round,
        "film": selectors.blind_film(assignment=assignment),
        "criteria": list(assignment.round.criteria.all()),
        "my_scores": {score.criterion_id: score.value for score in assignment.scores.all()},
        "feedback": assignment.feedback,
        "private_note": assignment.private_note,
        "share_with_artist": assignment.share_with_artist,
        "submitted_at": assignment.submitted_at,
        "other_reviews": selectors.other_reviews(assignment=assignment),
    }


class CuratorAssignmentListView(generics.ListAPIView):
    permission_classes = [Curator]
    serializer_class = s.CuratorAssignmentListSerializer

    def get_queryset(self):
        return selectors.assignment_list_for_curator(curator=self.request.user)


class CuratorAssignmentDetailView(APIView):
    permission_classes = [Curator]

    @extend_schema(
        responses=s.CuratorAssignmentSerializer, summary="Blind view of a film to review"
    )
    def get(self, request, pk: int):
        assignment = selectors.assignment_get_for_curator(curator=request.user, pk=pk)
        return Response(s.CuratorAssignmentSerializer(curator_assignment_data(assignment)).data)


class CuratorReviewView(APIView):
    permission_classes = [Curator]

    @extend_schema(request=s.ReviewSubmitSerializer, responses=s.CuratorAssignmentSerializer)
    def post(self, request, pk: int):
        assignment = selectors.assignment_get_for_curator(curator=request.user, pk=pk)
        data = s.ReviewSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        curation.review_submit(assignment=assignment, curator=request.user, **data.validated_data)
        assignment = selectors.assignment_get_for_curator(curator=request.user, pk=pk)
        return Response(s.CuratorAssignmentSerializer(curator_assignment_data(assignment)).data)


class CuratorConflictView(APIView):
    permission_classes = [Curator]

    @extend_schema(request=s.ConflictSerializer, responses=s.ConflictResultSerializer)
    def post(self, request, pk: int):
        assignment = selectors.assignment_get_for_curator(curator=request.user, pk=pk)
        data = s.ConflictSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        replacement = curation.conflict_declare(
            assignment=assignment, curator=request.user, reason=data.validated_data["reason"]
        )
        return Response({"recused": True, "replaced": replacement is not None})


class RoundResultsView(APIView):
    """Staff see every film with reviewers named; a curator sees only films they have scored."""

    permission_classes = [HasRole.of(Role.CURATOR, Role.PROGRAM_STAFF)]

    @extend_schema(responses=s.FilmResultSerializer(many=True))
    def get(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        staff = HasRole.of(Role.PROGRAM_STAFF)().has_permission(request, self)
        film_ids = (
            None
            if staff
            else selectors.curator_reviewed_film_ids(curator=request.user, round=round)
        )
        results = selectors.round_results(round=round, film_ids=film_ids)
        context = {"show_reviewers": staff, "show_decisions": staff}
        return Response(s.FilmResultSerializer(results, many=True, context=context).data)


# --- Staff ------------------------------------------------------------------------------------


class RoundListView(generics.ListAPIView):
    permission_classes = [Staff]
    serializer_class = s.RoundSerializer

    def get_queryset(self):
        return selectors.round_list(program=require_program()).prefetch_related("criteria")

    @extend_schema(request=s.RoundSerializer, responses={201: s.RoundSerializer})
    def post(self, request):
        data = s.RoundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = curation.round_create(
            program=require_program(), actor=request.user, **data.validated_data
        )
        return Response(s.RoundSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    permission_classes = [Staff]

    @extend_schema(responses=s.RoundSerializer)
    def get(self, request, pk: int):
        return Response(
            s.RoundSerializer(get_object_or_404(Round, pk=pk, program=require_program())).data
        )

    @extend_schema(request=s.RoundUpdateSerializer, responses=s.RoundSerializer)
    def patch(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        data = s.RoundUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = curation.round_update(round=round, actor=request.user, **data.validated_data)
        return Response(s.RoundSerializer(round).data)


class CriterionCreateView(APIView):
    permission_classes = [Staff]

    @extend_schema(request=s.CriterionSerializer, responses={201: s.CriterionSerializer})
    def post(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        data = s.CriterionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        criterion = curation.criterion_add(round=round, actor=request.user, **data.validated_data)
        return Response(s.CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED)


class RoundAssignmentListView(generics.ListAPIView):
    permission_classes = [Staff]
    serializer_class = s.StaffAssignmentSerializer

    def get_queryset(self):
        round = get_object_or_404(Round, pk=self.kwargs["pk"], program=require_program())
        return selectors.assignment_list_for_round(round=round)


class RoundAutoAssignView(APIView):
    permission_classes = [Staff]

    @extend_schema(request=s.AutoAssignSerializer, responses=s.AutoAssignResultSerializer)
    def post(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        data = s.AutoAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("curators")
        curators = list(User.objects.filter(pk__in=ids)) if ids is not None else None
        created = curation.assignments_autoassign(
            round=round,
            actor=request.user,
            curators=curators,
            every_film=data.validated_data["every_film"],
        )
        return Response({"created": created})


class AssignmentCreateView(APIView):
    permission_classes = [Staff]

    @extend_schema(
        request=s.AssignmentCreateSerializer,
        responses={201: s.StaffAssignmentSerializer},
        summary="Assign a curator to a film by hand",
    )
    def post(self, request):
        data = s.AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = get_object_or_404(Film, pk=data.validated_data["film"], program=require_program())
        curator = get_object_or_404(User, pk=data.validated_data["curator"])
        assignment = curation.assignment_create(film=film, curator=curator, actor=request.user)
        return Response(
            s.StaffAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED
        )


class DecisionView(APIView):
    permission_classes = [Staff]

    @extend_schema(responses=s.DecisionSerializer(many=True))
    def get(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        return Response(s.DecisionSerializer(round.decisions.order_by("film_id"), many=True).data)

    @extend_schema(
        request=s.DecisionSerializer,
        responses=s.DecisionSerializer,
        summary="Record a decision (released with the round on its notification date)",
    )
    def post(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = data.validated_data["film"]
        if film.program_id != round.program_id:
            raise Http404("No such film.")
        decision = curation.decision_record(
            round=round,
            film=film,
            outcome=data.validated_data["outcome"],
            note=data.validated_data.get("note", ""),
            actor=request.user,
        )
        return Response(s.DecisionSerializer(decision).data)


class RoundReleaseView(APIView):
    permission_classes = [Staff]

    @extend_schema(request=None, responses=s.RoundSerializer)
    def post(self, request, pk: int):
        round = get_object_or_404(Round, pk=pk, program=require_program())
        return Response(
            s.RoundSerializer(curation.round_release(round=round, actor=request.user)).data
        )


class StaffFilmListView(generics.ListAPIView):
    permission_classes = [Staff]
    serializer_class = s.StaffFilmSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Film.Status.values),
            OpenApiParameter("round", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        round_id = self.request.query_params.get("round")
        if round_id is not None and not (round_id.isdigit() and 0 < int(round_id) < 2**31):
            raise ValidationError({"round": ["Give a round id (a positive whole number)."]})
        return selectors.film_list_for_staff(
            program=require_program(),
            status=query_choice(self.request, "status", Film.Status.values),
            round_id=int(round_id) if round_id is not None else None,
        )


class StaffCreditLineView(APIView):
    permission_classes = [Staff]

    @extend_schema(
        request=s.CreditLineSerializer,
        responses=s.StaffFilmSerializer,
        summary="Propose a credit line; the artist approves it",
    )
    def post(self, request, pk: int):
        film = get_object_or_404(Film, pk=pk, program=require_program())
        data = s.CreditLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = films.film_credit_line_propose(
            film=film, text=data.validated_data["credit_line"], actor=request.user
        )
        return Response(s.StaffFilmSerializer(film).data)


class ScreeningListView(generics.ListAPIView):
    permission_classes = [StaffOrFinanceReads]
    serializer_class = s.ScreeningSerializer

    def get_queryset(self):
        return selectors.screening_list(program=require_program()).prefetch_related("entries__film")

    @extend_schema(request=s.ScreeningSerializer, responses={201: s.ScreeningSerializer})
    def post(self, request):
        data = s.ScreeningSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        screening = screenings.screening_create(
            program=require_program(), actor=request.user, **data.validated_data
        )
        return Response(s.ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)


class ScreeningDetailView(APIView):
    permission_classes = [StaffOrFinanceReads]

    @extend_schema(responses=s.ScreeningSerializer)
    def get(self, request, pk: int):
        screening = get_object_or_404(Screening, pk=pk, program=require_program())
        return Response(s.ScreeningSerializer(screening).data)


class ScreeningAddFilmView(APIView):
    permission_classes = [Staff]

    @extend_schema(request=s.ScreeningAddFilmSerializer, responses={201: s.ScreeningFilmSerializer})
    def post(self, request, pk: int):
        screening = get_object_or_404(Screening, pk=pk, program=require_program())
        data = s.ScreeningAddFilmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film = get_object_or_404(Film, pk=data.validated_data["film"], program=require_program())
        entry = screenings.screening_add_film(screening=screening, film=film, actor=request.user)
        return Response(s.ScreeningFilmSerializer(entry).data, status=status.HTTP_201_CREATED)


class ScreeningConfirmView(APIView):
    permission_classes = [Staff]

    @extend_schema(
        request=None,
        responses=s.ScreeningSerializer,
        summary="The screening happened: log each use and pay each artist shown",
    )
    def post(self, request, pk: int):
        screening = get_object_or_404(Screening, pk=pk, program=require_program())
        screening = screenings.screening_confirm(screening=screening, actor=request.user)
        return Response(s.ScreeningSerializer(screening).data)


class LicenseListView(generics.ListAPIView):
    permission_classes = [StaffOrFinanceReads]
    serializer_class = s.StaffLicenseSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=License.Status.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.license_list(
            program=require_program(),
            status=query_choice(self.request, "status", License.Status.values),
        )

    @extend_schema(
        request=s.LicenseRequestSerializer,
        responses={201: s.StaffLicenseSerializer},
        summary="Ask an artist for a promotional use of their film",
    )
    def post(self, request):
        data = s.LicenseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        film = get_object_or_404(Film, pk=values.pop("film"), program=require_program())
        license = licensing.license_request(film=film, actor=request.user, **values)
        return Response(s.StaffLicenseSerializer(license).data, status=status.HTTP_201_CREATED)


class LicenseDetailView(APIView):
    permission_classes = [StaffOrFinanceReads]

    @extend_schema(responses=s.StaffLicenseSerializer)
    def get(self, request, pk: int):
        license = get_object_or_404(
            License.objects.select_related("film__tester"), pk=pk, film__program=require_program()
        )
        return Response(s.StaffLicenseSerializer(license).data)


class LicenseCancelView(APIView):
    permission_classes = [Staff]

    @extend_schema(request=None, responses=s.StaffLicenseSerializer)
    def post(self, request, pk: int):
        license = get_object_or_404(License, pk=pk, film__program=require_program())
        license = licensing.license_cancel(license=license, actor=request.user)
        return Response(s.StaffLicenseSerializer(license).data)


class LicenseUseCreateView(APIView):
    permission_classes = [Staff]

    @extend_schema(
        request=s.LicenseUseCreateSerializer,
        responses={201: s.LicenseUseSerializer},
        summary="Log a use; refused (409) if withdrawn or outside the license's term or channels",
    )
    def post(self, request, pk: int):
        license = get_object_or_404(License, pk=pk, film__program=require_program())
        data = s.LicenseUseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        use = licensing.license_use_log(license=license, actor=request.user, **data.validated_data)
        return Response(s.LicenseUseSerializer(use).data, status=status.HTTP_201_CREATED)


class LicenseUseListView(generics.ListAPIView):
    permission_classes = [StaffOrFinanceReads]
    serializer_class = s.LicenseUseSerializer

    def get_queryset(self):
        return selectors.license_use_list(program=require_program())


# --- Public -----------------------------------------------------------------------------------


class PublicFilmListView(generics.ListAPIView):
    """Selected films with an accepted, unwithdrawn license for the website."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = s.PublicFilmSerializer

    def get_queryset(self):
        return selectors.film_list_public()
