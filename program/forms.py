from django import forms

from program.models import Tester


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label="Name shown to staff", max_length=120, required=False)
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput, min_length=8)
    password_again = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class InvitationDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining? It helps us improve.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class AgreementAcceptForm(forms.Form):
    agree = forms.BooleanField(label="I have read and accept these terms", required=True)


class InviteForm(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(max_length=120)
    country = forms.CharField(max_length=2, help_text="Two-letter code, e.g. FR")
    cohort = forms.CharField(max_length=60, required=False)


class InviteCsvForm(forms.Form):
    file = forms.FileField(help_text="Columns: email, name, country, cohort (optional)")


class TesterStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Tester.Status.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AgreementPublishForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), help_text="Markdown")
