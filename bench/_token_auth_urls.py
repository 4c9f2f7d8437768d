"""URLs for bench/token_auth.py: one trivial view, with and without token authentication."""

from django.urls import path
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class Open(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


class Token(Open):
    authentication_classes = None  # replaced below by the project default
    permission_classes = [IsAuthenticated]


Token.authentication_classes = APIView.authentication_classes

urlpatterns = [
    path("bench/open", Open.as_view()),
    path("bench/token", Token.as_view()),
]
