"""The project's URLs plus the bare baselines the benchmarks compare against."""

from django.urls import path

from atelier.urls import urlpatterns as project_urlpatterns
from bench import views

urlpatterns = [
    path("bench/bare/videos", views.bare_videos, name="bench-bare-videos"),
    *project_urlpatterns,
]
