from django.urls import path

from generation import v1_api

urlpatterns = [
    path("videos", v1_api.VideosView.as_view(), name="v1-videos"),
    path("videos/<str:video_id>", v1_api.VideoDetailView.as_view(), name="v1-video"),
    path("videos/<str:video_id>/remix", v1_api.VideoRemixView.as_view(), name="v1-video-remix"),
    path(
        "videos/<str:video_id>/content",
        v1_api.VideoContentView.as_view(),
        name="v1-video-content",
    ),
    path("models", v1_api.ModelsView.as_view(), name="v1-models"),
    path("models/<str:model_id>", v1_api.ModelDetailView.as_view(), name="v1-model"),
]
