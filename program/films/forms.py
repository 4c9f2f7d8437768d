from django import forms

from program.films.models import Decision, License


class FilmUploadForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    credits = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Curators see credits only after they have scored the film.",
    )
    video = forms.FileField(
        help_text="MP4 with H.264, HEVC, AV1 or VP9 video.",
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4"}),
    )
    submit_now = forms.BooleanField(required=False, label="Submit to the open round now")


class FilmAssembleForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    credits = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    jobs = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Generations, in this order"
    )
    submit_now = forms.BooleanField(required=False, label="Submit to the open round now")

    def __init__(self, *args, jobs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jobs"].choices = [
            (job.public_id, f"{job.public_id} · {job.prompt[:60]}") for job in jobs
        ]


class CreditLineForm(forms.Form):
    credit_line = forms.CharField(max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ConflictForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: you know the artist, or worked on the film.",
    )


class ReviewForm(forms.Form):
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Shared with the artist when decisions are released (unless you turn it off).",
    )
    share_with_artist = forms.BooleanField(required=False, initial=True)
    private_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Never shown to the artist.",
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (weight {criterion.weight}, {criterion.scale_min} to {criterion.scale_max})",
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                help_text=criterion.description
                or f"{criterion.scale_min} (lowest) to {criterion.scale_max} (highest)",
            )
        self.order_fields([f"score_{c.pk}" for c in self.criteria])

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class RoundForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reviewers_per_film = forms.IntegerField(min_value=1, max_value=20, initial=3)
    notify_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Every decision in the round is released at this moment.",
    )


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False)
    weight = forms.IntegerField(min_value=1, max_value=100, initial=1)
    scale_min = forms.IntegerField(min_value=0, max_value=99, initial=1)
    scale_max = forms.IntegerField(min_value=1, max_value=100, initial=5)


class AssignForm(forms.Form):
    film = forms.IntegerField(widget=forms.HiddenInput)
    curator = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, curators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = curators


class DecisionForm(forms.Form):
    film = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices)
    note = forms.CharField(required=False, max_length=5000)


class ScreeningForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(max_length=200, required=False)
    link = forms.URLField(required=False, assume_scheme="https")
    fee_minor = forms.IntegerField(
        min_value=0, initial=0, label="Fee, in cents", help_text="Per artist shown, in minor units."
    )
    currency = forms.CharField(min_length=3, max_length=3, initial="USD")


class FilmChoiceForm(forms.Form):
    film = forms.ModelChoiceField(queryset=None, label="Selected film")

    def __init__(self, *args, films=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["film"].queryset = films


class LicenseRequestForm(forms.Form):
    film = forms.ModelChoiceField(queryset=None)
    use = forms.ChoiceField(choices=License.Use.choices)
    channels = forms.CharField(
        initial="website, screening",
        help_text="Comma-separated, e.g. website, screening, instagram",
    )
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    fee_minor = forms.IntegerField(
        min_value=0, label="Fee, in cents", help_text="In minor units, e.g. 25000 for 250.00."
    )
    currency = forms.CharField(min_length=3, max_length=3, initial="USD")
    terms = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, films=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["film"].queryset = films


class LicenseUseForm(forms.Form):
    channel = forms.CharField(max_length=100)
    used_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(max_length=300)
