from django import forms
from django.utils import timezone

from payments.models import PayeeAccount
from payments.money import CURRENCY_CHOICES, RATE_MAX_MINOR
from payments.services.policy import FEEDBACK_KINDS, RATE_FIELDS, SEVERITIES


class PolicyForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")
    effective_from = forms.DateTimeField(
        help_text="When work starts earning these rates (YYYY-MM-DD HH:MM). Publish in advance.",
        initial=lambda: timezone.now().replace(microsecond=0),
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    stipend_monthly_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Monthly stipend (minor units)"
    )
    duplicate_share_bp = forms.IntegerField(
        min_value=0, max_value=10000, label="Duplicate share (basis points)"
    )
    film_shortlisted_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Film shortlisted"
    )
    film_selected_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Film selected"
    )
    screening_fee_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Screening fee (default)"
    )
    session_hourly_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Test session, per hour"
    )
    pay_floor_hourly_minor = forms.IntegerField(
        min_value=0, max_value=RATE_MAX_MINOR, label="Pay floor, per active hour"
    )

    def __init__(self, *args, initial_policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in FEEDBACK_KINDS:
            for severity in SEVERITIES:
                name = f"fb_{kind}_{severity}"
                self.fields[name] = forms.IntegerField(
                    min_value=0,
                    max_value=RATE_MAX_MINOR,
                    required=False,
                    label=f"Feedback {kind} {severity}",
                )
                if initial_policy is not None:
                    self.fields[name].initial = initial_policy.feedback_rates.get(kind, {}).get(
                        severity
                    )
        if initial_policy is not None:
            for name in ("currency", *RATE_FIELDS):
                self.fields[name].initial = getattr(initial_policy, name)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        rates: dict[str, dict[str, int]] = {}
        for kind in FEEDBACK_KINDS:
            for severity in SEVERITIES:
                value = data.pop(f"fb_{kind}_{severity}", None)
                if value is not None:
                    rates.setdefault(kind, {})[severity] = value
        data["feedback_rates"] = rates
        return data


class ClosePeriodForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class MarkPaidForm(forms.Form):
    reference = forms.CharField(max_length=120)


class RailForm(forms.Form):
    rail = forms.ChoiceField(
        choices=[
            (PayeeAccount.Rail.STRIPE, "Stripe Connect"),
            (PayeeAccount.Rail.MANUAL, "Manual bank transfer"),
        ]
    )
    bank_details_note = forms.CharField(
        max_length=200, required=False, help_text="For bank transfers: where finance should send it"
    )


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    brief = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    expected_minutes = forms.IntegerField(min_value=1)
    starts_on = forms.DateField()
    ends_on = forms.DateField()
    seats = forms.IntegerField(min_value=1)


class LogHoursForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60 * 14)
    report = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ConfirmHoursForm(forms.Form):
    minutes = forms.IntegerField(min_value=1)
    cut_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
