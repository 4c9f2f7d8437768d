"""Feedback API. Artists see only their own items and never internal notes; staff triage."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from atelier.drf import ObjectJSONParser, StrictFormParser, StrictMultiPartParser
from atelier.errors import ServiceError
from program.access.permissions import HasScope
from program.api import require_program, require_tester
from program.feedback import serializers as s
from program.feedback.models import Feedback
from program.feedback.selectors import (
    feedback_attachment_for_user,
    feedback_comments,
    feedback_detail,
    feedback_for_tester,
    feedback_queue,
)
from program.feedback.services import (
    feedback_attachment_add,
    feedback_bulk_transition,
    feedback_comment_add,
    feedback_create,
    feedback_ship,
    feedback_transition,
)
from program.feedback.severity import SEVERITY_SCALE
from program.feedback.uploads import IMAGE_FORMATS
from program.roles import HasRole, Role

ArtistFeedback = [HasScope.of("feedback:write"), HasRole.of(Role.ARTIST)]
FeedbackStaff = [HasRole.of(Role.PROGRAM_STAFF)]


def _own_feedback(request, pk: int) -> Feedback:
    feedback = feedback_detail(pk=pk, tester=require_tester(request))
    if feedback is None:
        raise ServiceError("No such feedback.", code="not_found", status_code=404)
    return feedback


def _query(serializer_class, request) -> dict:
    """Query parameters, validated: a bad value is a 400 naming it, never silently ignored."""
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


def _program_feedback(pk: int) -> Feedback:
    return get_object_or_404(Feedback, pk=pk, program=require_program())


class SeverityScaleView(APIView):
    """Public; a presented token is still checked, so a dead one is refused as everywhere."""

    permission_classes = [AllowAny]

    @extend_schema(responses=s.SeverityLevelSerializer(many=True), summary="The severity scale")
    def get(self, request):
        return Response(s.SeverityLevelSerializer(SEVERITY_SCALE, many=True).data)


class FeedbackListCreateView(generics.ListAPIView):
    permission_classes = ArtistFeedback
    serializer_class = s.FeedbackListSerializer
    parser_classes = [ObjectJSONParser, StrictMultiPartParser, StrictFormParser]

    @extend_schema(parameters=[s.FeedbackQuerySerializer], summary="Your feedback")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(s.FeedbackQuerySerializer, self.request)
        return feedback_for_tester(
            tester=require_tester(self.request), state=query.get("state", "")
        )

    @extend_schema(request=s.FeedbackCreateSerializer, responses={201: s.FeedbackSerializer})
    def post(self, request):
        tester = require_tester(request)
        data = s.FeedbackCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        feedback = feedback_create(
            tester=tester,
            kind=values["kind"],
            title=values["title"],
            body=values["body"],
            severity=values.get("severity", ""),
            job_ids=values["jobs"],
            files=values["files"],
        )
        feedback = feedback_detail(pk=feedback.pk, tester=tester)
        return Response(
            s.FeedbackSerializer(feedback, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FeedbackDetailView(APIView):
    permission_classes = ArtistFeedback

    @extend_schema(responses=s.FeedbackSerializer, summary="One of your feedback items")
    def get(self, request, pk: int):
        feedback = _own_feedback(request, pk)
        return Response(s.FeedbackSerializer(feedback, context={"request": request}).data)


class FeedbackCommentsView(APIView):
    """The public conversation on your own item (internal notes are not part of it)."""

    permission_classes = ArtistFeedback

    @extend_schema(responses=s.CommentSerializer(many=True))
    def get(self, request, pk: int):
        feedback = _own_feedback(request, pk)
        comments = feedback_comments(feedback=feedback, include_internal=False)
        return Response(s.CommentSerializer(comments, many=True).data)

    @extend_schema(request=s.CommentInputSerializer, responses={201: s.CommentSerializer})
    def post(self, request, pk: int):
        feedback = _own_feedback(request, pk)
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = feedback_comment_add(
            feedback=feedback, author=request.user, body=data.validated_data["body"]
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class FeedbackAttachmentsView(APIView):
    permission_classes = ArtistFeedback
    parser_classes = [StrictMultiPartParser]

    @extend_schema(responses=s.AttachmentSerializer(many=True))
    def get(self, request, pk: int):
        feedback = _own_feedback(request, pk)
        return Response(
            s.AttachmentSerializer(
                feedback.attachments.all(), many=True, context={"request": request}
            ).data
        )

    @extend_schema(request=s.AttachmentUploadSerializer, responses={201: s.AttachmentSerializer})
    def post(self, request, pk: int):
        feedback = _own_feedback(request, pk)
        data = s.AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = feedback_attachment_add(
            feedback=feedback, user=request.user, upload=data.validated_data["file"]
        )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


ATTACHMENT_TYPES = [content_type for content_type, _ in IMAGE_FORMATS.values()] + [
    "video/mp4",
    "video/webm",
]


class AttachmentFileView(APIView):
    """An attachment's bytes, for its owner and program staff only (not a public media URL)."""

    permission_classes = [
        HasScope.of("feedback:write"),
        HasRole.of(Role.ARTIST, Role.PROGRAM_STAFF),
    ]

    @extend_schema(
        responses={(200, media): OpenApiTypes.BINARY for media in ATTACHMENT_TYPES},
        summary="Download an attachment",
    )
    def get(self, request, pk: int):
        attachment = feedback_attachment_for_user(pk=pk, user=request.user)
        if attachment is None:
            raise ServiceError("No such attachment.", code="not_found", status_code=404)
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            filename=attachment.original_name,
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- Staff triage ----------------------------------------------------------------------------


class StaffFeedbackListView(generics.ListAPIView):
    permission_classes = FeedbackStaff
    serializer_class = s.StaffFeedbackListSerializer

    @extend_schema(parameters=[s.StaffQueueQuerySerializer], summary="Triage queue")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(s.StaffQueueQuerySerializer, self.request)
        return feedback_queue(
            program=require_program(),
            state=query.get("state", ""),
            kind=query.get("kind", ""),
            severity=query.get("severity", ""),
            overdue=query["overdue"],
            search=query["search"].strip(),
        )


class StaffFeedbackDetailView(APIView):
    permission_classes = FeedbackStaff

    @extend_schema(responses=s.StaffFeedbackSerializer, summary="Feedback with internal notes")
    def get(self, request, pk: int):
        feedback = feedback_detail(pk=pk, program=require_program(), staff=True)
        if feedback is None:
            raise ServiceError("No such feedback.", code="not_found", status_code=404)
        return Response(s.StaffFeedbackSerializer(feedback, context={"request": request}).data)


class StaffTransitionView(APIView):
    permission_classes = FeedbackStaff

    @extend_schema(request=s.TransitionInputSerializer, responses=s.StaffFeedbackListSerializer)
    def post(self, request, pk: int):
        feedback = _program_feedback(pk)
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        original = None
        if values["duplicate_of"] is not None:
            original = Feedback.objects.filter(
                pk=values["duplicate_of"], program=feedback.program
            ).first()
            if original is None:
                raise ServiceError(
                    "No such original.", field="duplicate_of", code="not_found", status_code=404
                )
        feedback = feedback_transition(
            feedback=feedback,
            actor=request.user,
            to_state=values["state"],
            note=values["note"],
            duplicate_of=original,
        )
        return Response(s.StaffFeedbackListSerializer(feedback).data)


class StaffBulkView(APIView):
    permission_classes = FeedbackStaff

    @extend_schema(request=s.BulkInputSerializer, responses=s.BulkResultSerializer)
    def post(self, request):
        data = s.BulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = feedback_bulk_transition(
            ids=data.validated_data["ids"],
            program=require_program(),
            actor=request.user,
            to_state=data.validated_data["state"],
            note=data.validated_data["note"],
        )
        return Response(s.BulkResultSerializer(result).data)


class StaffCommentView(APIView):
    """A reply the artist sees (and is notified of)."""

    permission_classes = FeedbackStaff
    internal = False

    @extend_schema(request=s.CommentInputSerializer, responses={201: s.StaffCommentSerializer})
    def post(self, request, pk: int):
        feedback = _program_feedback(pk)
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = feedback_comment_add(
            feedback=feedback,
            author=request.user,
            body=data.validated_data["body"],
            internal=self.internal,
        )
        return Response(s.StaffCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class StaffNoteView(StaffCommentView):
    """A staff-only internal note: never shown to the artist, never emailed."""

    internal = True


class StaffShipView(APIView):
    permission_classes = FeedbackStaff

    @extend_schema(request=s.ShipInputSerializer, responses=s.StaffFeedbackListSerializer)
    def post(self, request, pk: int):
        data = s.ShipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_ship(
            feedback=_program_feedback(pk),
            actor=request.user,
            version=data.validated_data["version"],
        )
        return Response(s.StaffFeedbackListSerializer(feedback).data)
