from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args) -> str:
    """The URL for `name`, or "" when that page does not exist (another app not installed)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def video_content_url(job, variant: str = "video") -> str:
    url = reverse("v1-video-content", args=[job.public_id])
    return url if variant == "video" else f"{url}?variant={variant}"
