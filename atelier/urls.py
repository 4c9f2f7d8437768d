from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from atelier import health, views
from program import two_factor

api_patterns = [
    path("", include("program.api_urls")),
    path("", include("program.access.api_urls")),
    path("", include("program.feedback.api_urls")),
    path("", include("program.films.api_urls")),
    path("", include("generation.api_urls")),
    path("", include("payments.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(template_name="auth/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/setup/", two_factor.setup, name="two-factor-setup"),
    path("account/2fa/verify/", two_factor.verify, name="two-factor-verify"),
    path("healthz", health.healthz, name="healthz"),
    path("api/", include(api_patterns)),
    path("v1/", include("generation.v1_urls")),
    path("", include("program.urls")),
    path("", include("program.access.urls")),
    path("", include("program.feedback.urls")),
    path("", include("program.films.urls")),
    path("", include("generation.urls")),
    path("", include("payments.urls")),
]

# Media is never served from a public URL, not even in debug: every file (videos, films,
# feedback attachments) goes through a view that checks who is asking.

handler404 = views.not_found
handler500 = views.server_error
handler403 = views.forbidden
handler400 = views.bad_request
