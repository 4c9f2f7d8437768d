from django import forms

from generation import registry


class GenerateForm(forms.Form):
    """Text inputs; the service checks them against the chosen model's limits."""

    prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        max_length=2000,
        help_text="Up to 2,000 characters.",
    )
    model = forms.ChoiceField(choices=())
    size = forms.CharField(max_length=20, required=False, help_text="WIDTHxHEIGHT")
    seconds = forms.CharField(max_length=10, required=False)
    negative_prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    num_inference_steps = forms.CharField(label="Steps", max_length=5, required=False)
    guidance_scale = forms.CharField(label="Guidance", max_length=10, required=False)
    fps = forms.CharField(label="Frames per second", max_length=5, required=False)
    seed = forms.CharField(max_length=20, required=False, help_text="Empty: random (recorded)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        specs = registry.model_specs()
        self.fields["model"].choices = [
            (name, f"{name} — {spec.description}") for name, spec in specs.items()
        ]
        default = registry.model_default()
        if default and not self.is_bound:
            self.initial.setdefault("model", default.name)
            self.initial.setdefault("size", default.default_size)
            self.initial.setdefault("seconds", str(default.default_seconds))


class RemixForm(forms.Form):
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
