"""Two-factor authentication (TOTP, django-otp) for staff accounts.

Staff must enrol a TOTP device and verify it each session before using the console or the API
with their session. Artists are not asked (their API access uses personal tokens).
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from program.roles import is_staff_member

EXEMPT_PREFIXES = ("/account/2fa/", "/logout/", "/static/", "/healthz", "/login/")


def two_factor_required(user) -> bool:
    return settings.ATELIER_STAFF_2FA and is_staff_member(user)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and two_factor_required(user)
            and "HTTP_AUTHORIZATION" not in request.META
        ):
            if request.path.startswith(("/api/", "/v1/")):
                return JsonResponse(
                    {
                        "error": {
                            "message": "Staff sessions need two-factor verification first.",
                            "type": "permission_error",
                            "param": None,
                            "code": "two_factor_required",
                        }
                    },
                    status=403,
                )
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = "two-factor-verify" if has_device else "two-factor-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


@login_required
def setup(request):
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    if request.method == "POST":
        if device.verify_token((request.POST.get("code") or "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return redirect(_safe_next(request))
        messages.error(request, "That code is not valid. Check your device's clock and try again.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return render(
        request,
        "auth/2fa_setup.html",
        {
            "device": device,
            "qr_svg": qr_svg,
            "secret": _base32(device.bin_key),
            "next": _safe_next(request),
        },
    )


@login_required
def verify(request):
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_safe_next(request))
        messages.error(request, "That code is not valid.")
    return render(request, "auth/2fa_verify.html", {"next": _safe_next(request)})


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
