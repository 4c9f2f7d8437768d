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


@register.filter
def staff_video_content_url(job, variant: str = "video") -> str:
    url = reverse("staff-generation-job-content", args=[job.public_id])
    return url if variant == "video" else f"{url}?variant={variant}"


@register.simple_tag
def video_url_for(job, user) -> str:
    """The checked download this user may open: staff get theirs, the owner the /v1/ one."""
    from program.roles import Role, has_role

    if has_role(user, Role.PROGRAM_STAFF):
        return staff_video_content_url(job)
    return video_content_url(job)
