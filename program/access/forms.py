from django import forms
from django.conf import settings

from program.access.limits import security_defaults
from program.access.models import Scope


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Where you use it, e.g. “render server”")
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.VIDEOS_READ, Scope.VIDEOS_WRITE],
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=366,
        initial=settings.ATELIER_TOKEN_DEFAULT_DAYS,
        help_text="Never beyond the program's end.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ProgramSecurityForm(forms.Form):
    origin_allowlist = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One host per line (e.g. tools.example.org or *.example.org). Browser pages "
        "on these sites may use tokens; any other origin quarantines the token.",
    )
    quarantine_on_origin = forms.BooleanField(
        required=False, label="Quarantine a token at its first request from a foreign origin"
    )
    spread_max_networks = forms.IntegerField(min_value=1, label="Spread: networks allowed")
    spread_window_minutes = forms.IntegerField(min_value=1, label="Spread: window (minutes)")
    spike_factor = forms.IntegerField(min_value=1, label="Spike: times the usual rate")
    spike_min_per_minute = forms.IntegerField(min_value=1, label="Spike: minimum per minute")
    requests_per_minute_per_token = forms.IntegerField(min_value=1)
    requests_per_minute_per_tester = forms.IntegerField(min_value=1)
    max_concurrent_jobs_per_tester = forms.IntegerField(min_value=1)
    max_concurrent_jobs_per_token = forms.IntegerField(min_value=1)
    gpu_seconds_per_day_per_tester = forms.IntegerField(min_value=1)
    gpu_seconds_per_day_per_token = forms.IntegerField(min_value=1)

    @staticmethod
    def initial_from(security) -> dict:
        initial = {name: getattr(security, name) for name in security_defaults()}
        initial["origin_allowlist"] = "\n".join(security.origin_allowlist)
        return initial


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=60)
    actor = forms.CharField(required=False, max_length=200)
    tester = forms.CharField(required=False, max_length=200)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
