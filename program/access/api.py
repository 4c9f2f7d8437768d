from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.errors import NotAllowed, ServiceError
from program.access import pause as pauses
from program.access import reports, services
from program.access import serializers as s
from program.access.limits import security_for
from program.access.models import AccessToken, SecurityFlag, TokenQuarantine
from program.access.network import client_ip
from program.access.selectors import (
    audit_list,
    audit_list_for_tester,
    flag_list,
    pause_list,
    quarantine_list,
    token_list,
)
from program.api import require_program, require_tester
from program.roles import HasRole, Role, has_role

Artist = HasRole.of(Role.ARTIST)
ProgramStaff = HasRole.of(Role.PROGRAM_STAFF)
QUARANTINE_STATES = ["open", "released", "all"]
FLAG_STATES = ["open", "resolved", "all"]
STAFF_ONLY_AUDIT_FILTERS = ("actor", "tester")


def _state_param(states: list[str]) -> OpenApiParameter:
    return OpenApiParameter("state", str, enum=states, description="Default `open`")


def _state(request, states: list[str]) -> str:
    """The `state` query parameter; anything not listed is a 400 naming it."""
    data = s.StateFilterSerializer(data=request.query_params, context={"states": states})
    data.is_valid(raise_exception=True)
    return data.validated_data["state"]


def require_session(request) -> None:
    """Tokens cannot mint tokens: a leaked token must not outlive its own revocation."""
    if isinstance(request.auth, AccessToken):
        raise NotAllowed(
            "Create and rotate tokens while signed in (portal or session), not with a token.",
            code="session_required",
        )


class TokenListView(generics.ListAPIView):
    permission_classes = [Artist]
    serializer_class = s.TokenSerializer

    def get_queryset(self):
        return token_list(tester=require_tester(self.request)).prefetch_related("quarantines")

    @extend_schema(
        request=s.TokenCreateSerializer,
        responses={201: s.IssuedTokenSerializer},
        summary="Create a token (the secret is in this response only; needs a signed-in session)",
    )
    def post(self, request):
        require_session(request)
        tester = require_tester(request)
        data = s.TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.token_issue(
            tester=tester,
            created_by=request.user,
            ip_address=client_ip(request),
            **data.validated_data,
        )
        return Response(
            s.IssuedTokenSerializer(issued).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )


class TokenDetailView(generics.RetrieveDestroyAPIView):
    permission_classes = [Artist]
    serializer_class = s.TokenSerializer

    def get_queryset(self):
        return token_list(tester=require_tester(self.request)).prefetch_related("quarantines")

    @extend_schema(summary="Revoke a token at once, in every process")
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.token_revoke(
            token=instance,
            reason="Revoked by its owner",
            actor=self.request.user,
            ip_address=client_ip(self.request),
        )


class TokenRotateView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        request=None,
        responses={201: s.IssuedTokenSerializer},
        summary="New token with the same name and scopes; the old one is revoked",
    )
    def post(self, request, pk: int):
        require_session(request)
        token = get_object_or_404(token_list(tester=require_tester(request)), pk=pk)
        issued = services.token_rotate(
            token=token, actor=request.user, ip_address=client_ip(request)
        )
        return Response(
            s.IssuedTokenSerializer(issued).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )


class StaffOrArtist(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.PROGRAM_STAFF, Role.ARTIST)


class AuditEventListView(generics.ListAPIView):
    """Program staff see every entry (filterable); an artist sees the entries about themselves."""

    permission_classes = [StaffOrArtist]

    def get_serializer_class(self):
        if has_role(self.request.user, Role.PROGRAM_STAFF):
            return s.AuditEventSerializer
        return s.OwnAuditEventSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(
        responses=s.AuditEventSerializer(many=True),
        parameters=[
            OpenApiParameter("action", str, description="Prefix, e.g. `token.`"),
            OpenApiParameter(
                "actor", str, description="Actor email or label contains (staff only)"
            ),
            OpenApiParameter("tester", str, description="Tester id, name or email (staff only)"),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="YYYY-MM-DD"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        data = s.AuditFilterSerializer(data=params)
        data.is_valid(raise_exception=True)
        if has_role(self.request.user, Role.PROGRAM_STAFF):
            return audit_list(**data.validated_data)
        tester = require_tester(self.request)
        # Who acted is hidden from artists, so they cannot filter on it either.
        for name in STAFF_ONLY_AUDIT_FILTERS:
            if name in params:
                raise ServiceError(
                    "Only program staff can filter on this.",
                    field=name,
                    code="staff_only_filter",
                    status_code=403,
                )
        filters = {
            k: v for k, v in data.validated_data.items() if k not in STAFF_ONLY_AUDIT_FILTERS
        }
        return audit_list_for_tester(tester=tester, **filters)


class QuarantineListView(generics.ListAPIView):
    permission_classes = [ProgramStaff]
    serializer_class = s.QuarantineSerializer

    @extend_schema(parameters=[_state_param(QUARANTINE_STATES)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return quarantine_list(
            program=require_program(), state=_state(self.request, QUARANTINE_STATES)
        )


class QuarantineReleaseView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(request=s.ReleaseInputSerializer, responses=s.QuarantineSerializer)
    def post(self, request, pk: int):
        quarantine = get_object_or_404(
            TokenQuarantine, pk=pk, token__tester__program=require_program()
        )
        data = s.ReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quarantine = services.token_release(
            quarantine=quarantine,
            actor=request.user,
            reason=data.validated_data["reason"],
            ip_address=client_ip(request),
        )
        return Response(s.QuarantineSerializer(quarantine).data)


class FlagListView(generics.ListAPIView):
    permission_classes = [ProgramStaff]
    serializer_class = s.FlagSerializer

    @extend_schema(parameters=[_state_param(FLAG_STATES)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return flag_list(program=require_program(), state=_state(self.request, FLAG_STATES))


class FlagResolveView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(request=s.ResolveInputSerializer, responses=s.FlagSerializer)
    def post(self, request, pk: int):
        flag = get_object_or_404(SecurityFlag, pk=pk, token__tester__program=require_program())
        data = s.ResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.security_flag_resolve(
            flag=flag,
            actor=request.user,
            resolution=data.validated_data["resolution"],
            ip_address=client_ip(request),
        )
        return Response(s.FlagSerializer(flag).data)


class ProgramSecurityView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(responses=s.ProgramSecuritySerializer, summary="Leak thresholds and limits")
    def get(self, request):
        return Response(s.ProgramSecuritySerializer(security_for(require_program())).data)

    @extend_schema(request=s.ProgramSecuritySerializer, responses=s.ProgramSecuritySerializer)
    def patch(self, request):
        data = s.ProgramSecuritySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        security = services.program_security_update(
            program=require_program(),
            actor=request.user,
            ip_address=client_ip(request),
            **data.validated_data,
        )
        return Response(s.ProgramSecuritySerializer(security).data)


class PauseListView(generics.ListAPIView):
    """Pause history; payments count stipends through these periods."""

    permission_classes = [HasRole.of(Role.PROGRAM_STAFF, Role.FINANCE)]
    serializer_class = s.PauseSerializer

    def get_queryset(self):
        return pause_list(program=require_program())


class PauseView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(
        request=s.PauseInputSerializer,
        responses={201: s.PauseSerializer},
        summary="Pause generation for the whole program (last resort)",
    )
    def post(self, request):
        data = s.PauseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pause = pauses.program_pause(
            program=require_program(),
            actor=request.user,
            reason=data.validated_data["reason"],
            ip_address=client_ip(request),
        )
        return Response(s.PauseSerializer(pause).data, status=status.HTTP_201_CREATED)


class ResumeView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(request=s.ResumeInputSerializer, responses=s.PauseSerializer)
    def post(self, request):
        data = s.ResumeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pause = pauses.program_resume(
            program=require_program(),
            actor=request.user,
            reason=data.validated_data["reason"],
            ip_address=client_ip(request),
        )
        return Response(s.PauseSerializer(pause).data)


class TokenReportView(APIView):
    """Secret-scanning partners post tokens found in public (signed, see program/access/reports.py)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=s.TokenReportItemSerializer(many=True),
        responses={
            200: s.TokenReportResultSerializer,
            401: OpenApiResponse(
                description="Missing or bad signature, stale timestamp, or no secret configured"
            ),
            409: OpenApiResponse(description="Replay of a processed delivery"),
        },
        parameters=[
            OpenApiParameter(
                reports.SIGNATURE_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description='"sha256=" + hex HMAC-SHA256 of "<timestamp>.<raw body>"',
            ),
            OpenApiParameter(
                reports.TIMESTAMP_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Unix seconds",
            ),
        ],
        summary="Report leaked tokens (secret-scanning partners)",
    )
    def post(self, request):
        results = reports.token_reports_process(
            body=request.body,
            signature=request.headers.get(reports.SIGNATURE_HEADER, ""),
            timestamp=request.headers.get(reports.TIMESTAMP_HEADER, ""),
        )
        counts = {
            outcome: sum(1 for r in results if r["result"] == outcome)
            for outcome in ("revoked", "unknown", "already_inactive")
        }
        return Response(s.TokenReportResultSerializer({"results": results, **counts}).data)
