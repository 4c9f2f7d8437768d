"""The project's URLs plus one route nobody wrote a matrix row for (see the matrix's self-test)."""

from django.http import HttpResponse
from django.urls import path

from atelier.urls import urlpatterns as project_urlpatterns


def brand_new_thing(request, pk: int):
    return HttpResponse("new")


urlpatterns = [
    *project_urlpatterns,
    path("brand-new/<int:pk>/", brand_new_thing, name="brand-new-thing"),
]
