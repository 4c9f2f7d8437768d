from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.api import query_bool, query_choice
from atelier.drf import StrictMultiPartParser
from atelier.errors import ServiceError
from program import serializers as s
from program.access.network import client_ip
from program.models import AgreementAcceptance, Invitation, Tester
from program.roles import HasRole, Role, has_role, user_roles
from program.selectors import (
    acceptance_list,
    agreement_current,
    notification_list,
    program_current,
    tester_for_user,
    tester_list,
)
from program.services.agreements import agreement_accept, agreement_publish
from program.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_resend,
    invitations_import_csv,
)
from program.services.notifications import notifications_mark_read
from program.services.testers import tester_change_status
from program.views import agreement_text_response

ProgramStaff = HasRole.of(Role.PROGRAM_STAFF)


def require_program():
    program = program_current()
    if program is None:
        raise ServiceError("No program exists yet.", code="no_program", status_code=404)
    return program


def require_tester(request) -> Tester:
    tester = tester_for_user(request.user)
    if tester is None:
        raise ServiceError(
            "You are not a member of the current program.", code="not_a_tester", status_code=403
        )
    return tester


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer, summary="Who am I: roles, program and membership")
    def get(self, request):
        program = program_current()
        data = {
            "id": request.user.pk,
            "email": request.user.email,
            "roles": sorted(user_roles(request.user)),
            "program": program,
            "tester": tester_for_user(request.user, program),
        }
        return Response(s.MeSerializer(data).data)


class TesterListView(generics.ListAPIView):
    permission_classes = [ProgramStaff]
    serializer_class = s.TesterSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("status", str, enum=Tester.Status.values),
            OpenApiParameter("country", str),
            OpenApiParameter("cohort", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return tester_list(
            program=require_program(),
            status=query_choice(self.request, "status", Tester.Status.values),
            **{key: params.get(key, "").strip() for key in ("search", "country", "cohort")},
        )


class TesterDetailView(generics.RetrieveAPIView):
    permission_classes = [ProgramStaff]
    serializer_class = s.TesterSerializer

    def get_queryset(self):
        return Tester.objects.filter(program=require_program()).select_related("user")


class TesterStatusView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(request=s.TesterStatusInputSerializer, responses=s.TesterSerializer)
    def post(self, request, pk: int):
        tester = get_object_or_404(Tester, pk=pk, program=require_program())
        data = s.TesterStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tester = tester_change_status(
            tester=tester,
            actor=request.user,
            to_status=data.validated_data["status"],
            reason=data.validated_data["reason"],
        )
        return Response(s.TesterSerializer(tester).data)


class InvitationListView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(responses=s.InvitationSerializer(many=True))
    def get(self, request):
        invitations = (
            Invitation.objects.filter(tester__program=require_program())
            .select_related("tester__user")
            .order_by("-sent_at")[:500]
        )
        return Response(s.InvitationSerializer(invitations, many=True).data)

    @extend_schema(request=s.InvitationCreateSerializer, responses={201: s.InvitationSerializer})
    def post(self, request):
        data = s.InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_create(
            program=require_program(), invited_by=request.user, **data.validated_data
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationImportView(APIView):
    permission_classes = [ProgramStaff]
    parser_classes = [StrictMultiPartParser]

    @extend_schema(
        request=s.InvitationImportSerializer, responses=s.InvitationImportResultSerializer
    )
    def post(self, request):
        data = s.InvitationImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = invitations_import_csv(
            program=require_program(),
            content=data.validated_data["file"].read(),
            invited_by=request.user,
        )
        return Response(s.InvitationImportResultSerializer(result).data)


class InvitationResendView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(request=None, responses=s.InvitationSerializer)
    def post(self, request, pk: int):
        invitation = get_object_or_404(Invitation, pk=pk, tester__program=require_program())
        return Response(
            s.InvitationSerializer(
                invitation_resend(invitation=invitation, actor=request.user)
            ).data
        )


class InvitationAcceptView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=s.InvitationAcceptSerializer, responses=s.TesterSerializer)
    def post(self, request):
        data = s.InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.TesterSerializer(invitation_accept(**data.validated_data)).data)


class InvitationDeclineView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=s.InvitationDeclineSerializer, responses=s.InvitationSerializer)
    def post(self, request):
        data = s.InvitationDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.InvitationSerializer(invitation_decline(**data.validated_data)).data)


class AgreementListView(APIView):
    @extend_schema(responses=s.AgreementSerializer(many=True), summary="Every published version")
    def get(self, request):
        return Response(s.AgreementSerializer(require_program().agreements.all(), many=True).data)

    @extend_schema(request=s.AgreementPublishSerializer, responses={201: s.AgreementSerializer})
    def post(self, request):
        if not has_role(request.user, Role.PROGRAM_STAFF):
            raise ServiceError(
                "Only program staff publish terms.", code="permission_denied", status_code=403
            )
        data = s.AgreementPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = agreement_publish(
            program=require_program(), published_by=request.user, **data.validated_data
        )
        return Response(s.AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class AgreementCurrentView(APIView):
    @extend_schema(responses=s.AgreementSerializer)
    def get(self, request):
        agreement = agreement_current(program=require_program())
        if agreement is None:
            raise ServiceError("No terms are published yet.", code="not_found", status_code=404)
        return Response(s.AgreementSerializer(agreement).data)


class AgreementAcceptView(APIView):
    permission_classes = [HasRole.of(Role.ARTIST)]

    @extend_schema(request=None, responses={201: s.AcceptanceSerializer})
    def post(self, request, pk: int):
        tester = require_tester(request)
        agreement = get_object_or_404(tester.program.agreements, pk=pk)
        acceptance = agreement_accept(
            tester=tester,
            agreement=agreement,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(s.AcceptanceSerializer(acceptance).data, status=status.HTTP_201_CREATED)


class AcceptanceListView(APIView):
    permission_classes = [HasRole.of(Role.ARTIST)]

    @extend_schema(responses=s.AcceptanceSerializer(many=True), summary="Terms I accepted")
    def get(self, request):
        return Response(
            s.AcceptanceSerializer(acceptance_list(tester=require_tester(request)), many=True).data
        )


class AcceptanceDownloadView(APIView):
    permission_classes = [HasRole.of(Role.ARTIST)]

    @extend_schema(
        responses={(200, "text/plain"): OpenApiTypes.STR}, summary="The exact text I accepted"
    )
    def get(self, request, pk: int):
        acceptance = get_object_or_404(
            AgreementAcceptance.objects.select_related(
                "agreement", "tester__user", "tester__program"
            ),
            pk=pk,
            tester__user=request.user,
        )
        return agreement_text_response(acceptance)


class NotificationListView(generics.ListAPIView):
    serializer_class = s.NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = query_bool(self.request, "unread")
        return notification_list(user=self.request.user, unread_only=unread)


class NotificationReadView(APIView):
    @extend_schema(request=s.NotificationReadSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        data = s.NotificationReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked_read": count})
