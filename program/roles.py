"""Roles are Django groups. Every view and API checks them; templates only mirror the checks."""

from collections.abc import Iterable

from django.contrib.auth.mixins import AccessMixin
from django.db import models
from rest_framework.permissions import BasePermission


class Role(models.TextChoices):
    ARTIST = "artist", "Artist"
    CURATOR = "curator", "Curator"
    PROGRAM_STAFF = "program_staff", "Program staff"
    FINANCE = "finance", "Finance"
    ADMIN = "admin", "Admin"


STAFF_ROLES = frozenset({Role.CURATOR, Role.PROGRAM_STAFF, Role.FINANCE, Role.ADMIN})


def user_roles(user) -> frozenset[str]:
    """Return the user's role names, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_atelier_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(names)
        user._atelier_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if the user holds any of `roles`. Admin holds every role."""
    held = user_roles(user)
    return Role.ADMIN in held or bool(held.intersection(roles))


def is_staff_member(user) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


class HasRole(BasePermission):
    """DRF permission: `HasRole.of(Role.FINANCE)` admits finance users (and admins)."""

    roles: Iterable[str] = ()
    message = "Your role does not allow this."

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": tuple(roles)})

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *self.roles)


class RoleRequiredMixin(AccessMixin):
    """Web views: anonymous users go to login, the wrong role gets 403."""

    required_roles: Iterable[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.required_roles):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


def role_required(*roles: str):
    """Function-view decorator: login first, then 403 for the wrong role."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
