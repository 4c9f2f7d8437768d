from rest_framework.permissions import BasePermission

from program.access.models import AccessToken


class HasScope(BasePermission):
    """Token requests need the scope; a signed-in browser session acts with the user's rights."""

    scope: str = ""
    message = "This token lacks the required scope."

    @classmethod
    def of(cls, scope: str) -> type["HasScope"]:
        return type(f"HasScope_{scope.replace(':', '_')}", (cls,), {"scope": scope})

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, AccessToken) and not token.has_scope(self.scope):
            self.message = f"This token lacks the '{self.scope}' scope."
            self.code = "insufficient_scope"
            return False
        return bool(request.user and request.user.is_authenticated)
