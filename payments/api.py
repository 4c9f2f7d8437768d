from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.drf import ObjectJSONParser
from atelier.errors import NotAllowed, ServiceError
from payments import serializers as s
from payments.models import CompensationPolicy, Payout, PayoutBatch, TestAssignment, TestSignup
from payments.selectors import (
    assignments_all,
    assignments_open,
    earnings_this_period,
    payable_balance,
    payee_for,
    payouts_for_tester,
    periods_list,
    signups_for_tester,
    statement_for,
    statement_months,
    transparency_figures,
    year_end_report,
)
from payments.services.payouts import (
    MONTH_PATTERN,
    YEAR_MAX,
    YEAR_MIN,
    batch_approve,
    batch_pay_start,
    month_parse,
    payout_mark_manual_paid,
    period_start,
    stripe_onboarding_link,
    stripe_required,
    year_check,
)
from payments.services.policy import policy_in_force, policy_publish, policy_upcoming
from payments.services.reconcile import reconcile_stripe
from payments.services.sessions import assignment_create, signup_confirm, signup_create, signup_log
from program.access.network import client_ip
from program.api import require_program, require_tester
from program.roles import HasRole, Role, has_role

Finance = HasRole.of(Role.FINANCE)
Artist = HasRole.of(Role.ARTIST)
ProgramStaff = HasRole.of(Role.PROGRAM_STAFF)


def _money_list(amounts: dict[str, int]) -> list[dict]:
    return [{"currency": c, "amount_minor": v} for c, v in sorted(amounts.items())]


class PolicyView(APIView):
    parser_classes = [ObjectJSONParser]  # feedback_rates is nested: JSON only

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasRole.of(Role.PROGRAM_STAFF, Role.FINANCE)()]
        return [AllowAny()]

    @extend_schema(
        responses=s.PolicyOverviewSerializer,
        summary="The compensation policy in force and all versions",
    )
    def get(self, request):
        program = require_program()
        data = {
            "in_force": policy_in_force(program=program),
            "upcoming": policy_upcoming(program=program),
            "versions": CompensationPolicy.objects.filter(program=program).order_by("-version"),
        }
        return Response(s.PolicyOverviewSerializer(data).data)

    @extend_schema(
        request=s.PolicyInputSerializer,
        responses={201: s.PolicySerializer},
        summary="Publish a policy version",
    )
    def post(self, request):
        data = s.PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = policy_publish(
            program=require_program(), published_by=request.user, **data.validated_data
        )
        return Response(s.PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class MyPayView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        responses=s.MyPaySerializer, summary="My balance, this period's earnings and payout method"
    )
    def get(self, request):
        tester = require_tester(request)
        data = {
            "balance": _money_list(payable_balance(tester=tester)),
            "this_period": _money_list(earnings_this_period(tester=tester)),
            "payee": payee_for(tester=tester),
            "statement_months": [f"{m:%Y-%m}" for m in statement_months(tester=tester)],
        }
        return Response(s.MyPaySerializer(data).data)


class OnboardingView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        request=None, responses=s.OnboardingLinkSerializer, summary="Get a Stripe onboarding link"
    )
    def post(self, request):
        tester = require_tester(request)
        base = request.build_absolute_uri("/portal/payouts/")
        url = stripe_onboarding_link(
            tester=tester, refresh_url=base, return_url=base + "onboarding/return/"
        )
        return Response({"url": url})


def _statement_data(statement: dict) -> dict:
    statement["totals_list"] = [{"currency": c, **t} for c, t in statement["totals"].items()]
    return s.StatementSerializer(statement).data


class MyStatementView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, OpenApiParameter.PATH, pattern=MONTH_PATTERN)],
        responses=s.StatementSerializer,
        summary="My statement for a month (YYYY-MM)",
    )
    def get(self, request, month: str):
        tester = require_tester(request)
        return Response(_statement_data(statement_for(tester=tester, month=month_parse(month))))


class MyPayoutsView(generics.ListAPIView):
    permission_classes = [Artist]
    serializer_class = s.PayoutSerializer

    def get_queryset(self):
        return payouts_for_tester(tester=require_tester(self.request)).select_related("tester")


class SessionListView(APIView):
    permission_classes = [HasRole.of(Role.ARTIST, Role.PROGRAM_STAFF)]

    @extend_schema(
        responses=s.AssignmentSerializer(many=True),
        summary="Paid test sessions (open ones for artists)",
    )
    def get(self, request):
        program = require_program()
        if has_role(request.user, Role.PROGRAM_STAFF):
            queryset = assignments_all(program=program).order_by("-starts_on")
        else:
            queryset = assignments_open(program=program)
        return Response(s.AssignmentSerializer(queryset, many=True).data)

    @extend_schema(
        request=s.AssignmentSerializer,
        responses={201: s.AssignmentSerializer},
        summary="Publish a test session",
    )
    def post(self, request):
        if not has_role(request.user, Role.PROGRAM_STAFF):
            raise NotAllowed("Only program staff publish test sessions.")
        data = s.AssignmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = assignment_create(
            program=require_program(), created_by=request.user, **data.validated_data
        )
        assignment.taken = 0
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class SessionSignupView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        request=None, responses={201: s.SignupSerializer}, summary="Sign up for a test session"
    )
    def post(self, request, pk: int):
        tester = require_tester(request)
        assignment = get_object_or_404(TestAssignment, pk=pk, program=tester.program)
        signup = signup_create(assignment=assignment, tester=tester)
        return Response(s.SignupSerializer(signup).data, status=status.HTTP_201_CREATED)


class MySignupsView(generics.ListAPIView):
    permission_classes = [Artist]
    serializer_class = s.SignupSerializer

    def get_queryset(self):
        return signups_for_tester(tester=require_tester(self.request)).order_by("-created_at")


class SignupLogView(APIView):
    permission_classes = [Artist]

    @extend_schema(
        request=s.LogHoursInputSerializer, responses=s.SignupSerializer, summary="Log my hours"
    )
    def post(self, request, pk: int):
        signup = get_object_or_404(TestSignup, pk=pk, tester=require_tester(request))
        data = s.LogHoursInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(s.SignupSerializer(signup_log(signup=signup, **data.validated_data)).data)


class SignupConfirmView(APIView):
    permission_classes = [ProgramStaff]

    @extend_schema(
        request=s.ConfirmHoursInputSerializer,
        responses=s.SignupSerializer,
        summary="Confirm logged hours",
    )
    def post(self, request, pk: int):
        signup = get_object_or_404(TestSignup, pk=pk, assignment__program=require_program())
        data = s.ConfirmHoursInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = signup_confirm(signup=signup, confirmed_by=request.user, **data.validated_data)
        return Response(s.SignupSerializer(signup).data)


class PeriodListView(APIView):
    permission_classes = [Finance]

    @extend_schema(responses=s.PeriodSerializer(many=True), summary="Payout periods")
    def get(self, request):
        return Response(s.PeriodSerializer(periods_list(program=require_program()), many=True).data)

    @extend_schema(
        request=s.ClosePeriodInputSerializer,
        responses={202: s.PeriodSerializer},
        summary="Close a period (runs in the background)",
    )
    def post(self, request):
        data = s.ClosePeriodInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from payments.tasks import enqueue_on_commit, period_close

        with transaction.atomic():
            period = period_start(
                program=require_program(),
                month=month_parse(data.validated_data["month"]),
                closed_by=request.user,
            )
            enqueue_on_commit(period_close, period.pk)
        return Response(s.PeriodSerializer(period).data, status=status.HTTP_202_ACCEPTED)


class BatchDetailView(generics.RetrieveAPIView):
    permission_classes = [Finance]
    serializer_class = s.BatchSerializer

    def get_queryset(self):
        return PayoutBatch.objects.select_related("period").prefetch_related(
            "payouts__tester", "payouts__batch__period"
        )


class BatchApproveView(APIView):
    permission_classes = [Finance]

    @extend_schema(request=None, responses=s.BatchSerializer, summary="Approve a batch (four eyes)")
    def post(self, request, pk: int):
        batch = batch_approve(
            batch=get_object_or_404(PayoutBatch, pk=pk),
            approver=request.user,
            ip_address=client_ip(request),
        )
        return Response(s.BatchSerializer(batch).data)


class BatchPayView(APIView):
    permission_classes = [Finance]

    @extend_schema(
        request=None,
        responses={202: s.BatchSerializer},
        summary="Pay an approved batch (runs in the background)",
    )
    def post(self, request, pk: int):
        from payments.tasks import batch_pay, enqueue_on_commit

        with transaction.atomic():
            batch = batch_pay_start(batch=get_object_or_404(PayoutBatch, pk=pk), actor=request.user)
            enqueue_on_commit(batch_pay, batch.pk)
        return Response(s.BatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class PayoutMarkPaidView(APIView):
    permission_classes = [Finance]

    @extend_schema(
        request=s.MarkPaidInputSerializer,
        responses=s.PayoutSerializer,
        summary="Mark a bank transfer paid",
    )
    def post(self, request, pk: int):
        data = s.MarkPaidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = payout_mark_manual_paid(
            payout=get_object_or_404(Payout, pk=pk),
            reference=data.validated_data["reference"],
            actor=request.user,
        )
        return Response(s.PayoutSerializer(payout).data)


class ReconcileView(APIView):
    permission_classes = [Finance]

    @extend_schema(
        request=None, responses=s.ReconcileSerializer, summary="Compare the ledger with Stripe"
    )
    def post(self, request):
        from payments.gateways import GatewayError

        stripe_required()
        try:
            problems = reconcile_stripe(program=require_program())
        except GatewayError as exc:
            raise ServiceError(exc.message, code="provider_error", status_code=503) from exc
        return Response({"mismatches": problems})


class YearEndView(APIView):
    permission_classes = [Finance]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                OpenApiParameter.PATH,
            )
        ],
        responses=s.YearEndSerializer,
        summary="Year-end totals per artist for tax forms",
    )
    def get(self, request, year: int):
        report = year_end_report(program=require_program(), year=year_check(year))
        return Response(s.YearEndSerializer(report).data)


class TransparencyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.TransparencySerializer, summary="Public, aggregate pay figures")
    def get(self, request):
        return Response(
            s.TransparencySerializer(transparency_figures(program=require_program())).data
        )
