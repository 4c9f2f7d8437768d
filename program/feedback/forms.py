from django import forms

from program.feedback.models import Feedback


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(choices=Feedback.Kind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50000,
        help_text="Markdown. What you did, what you expected, what happened.",
    )
    severity = forms.ChoiceField(
        choices=[("", "— (bugs and safety only)"), *Feedback.Severity.choices],
        required=False,
        help_text="Bugs and safety reports: pick a level from the scale below.",
    )
    jobs = forms.MultipleChoiceField(
        label="Your generations",
        required=False,
        help_text="Their prompt, seed and output are attached automatically.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    files = MultipleFileField(
        required=False,
        label="Attachments",
        help_text="PNG, JPEG or WebP images; MP4 or WebM videos up to the length limit.",
    )

    def __init__(self, *args, jobs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jobs"].choices = [
            (job.public_id, f"{job.public_id} — {job.prompt[:60]}") for job in jobs
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Reply", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    file = forms.FileField(
        required=False,
        label="Attach a file",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,video/*"}),
    )


class StaffCommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    internal = forms.BooleanField(
        required=False, label="Internal note (staff only, never shown or sent to the artist)"
    )


class TransitionForm(forms.Form):
    state = forms.ChoiceField(choices=[])
    duplicate_of = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        label="Original #",
        help_text="For duplicates: the original's number",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the artist with the decision.",
    )

    def __init__(self, *args, feedback: Feedback, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Feedback.TRANSITIONS[Feedback.State(feedback.state)] - {Feedback.State.CLOSED}
        self.fields["state"].choices = [
            (value, label) for value, label in Feedback.State.choices if value in allowed
        ]


class ShipForm(forms.Form):
    version = forms.CharField(max_length=80, label="Shipped in model version")


class BulkForm(forms.Form):
    ACTIONS = [
        (Feedback.State.TRIAGED, "Mark triaged"),
        (Feedback.State.NEEDS_INFO, "Ask for more info"),
        (Feedback.State.INFORMATIVE, "Mark informative"),
        (Feedback.State.NOT_APPLICABLE, "Mark not applicable"),
    ]
    state = forms.ChoiceField(choices=ACTIONS, label="Action")
    note = forms.CharField(required=False, max_length=5000)
