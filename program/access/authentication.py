"""Bearer authentication with personal access tokens.

Every request looks the token up in the database by its hash: there is no cache, so a
revocation takes effect on the very next request in every process.
"""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from program.access import token_format
from program.access.detection import TokenQuarantined, token_request_check
from program.access.lookup import token_by_hash
from program.access.models import AccessToken
from program.models import Tester


class TokenRejected(exceptions.AuthenticationFailed):
    """401 with a specific code; the message never says whose token it was."""


class TokenForbidden(exceptions.PermissionDenied):
    """403: the token is real but may not be used now."""


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise TokenRejected(
                "Malformed Authorization header. Use 'Authorization: Bearer atl_…'.",
                code="token_malformed",
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise TokenRejected("Malformed access token.", code="token_malformed") from exc
        return self.authenticate_token(request, raw)

    def authenticate_token(self, request, raw: str):
        if not token_format.is_well_formed(raw):
            raise TokenRejected("Malformed access token.", code="token_malformed")
        if not token_format.has_valid_checksum(raw):
            raise TokenRejected("Access token checksum is wrong.", code="token_invalid_checksum")
        token = token_by_hash(token_format.hash_token(raw))
        if token is None:
            raise TokenRejected("Unknown access token.", code="token_unknown")
        if token.status == AccessToken.Status.REVOKED:
            raise TokenRejected("This access token was revoked.", code="token_revoked")
        if token.status == AccessToken.Status.QUARANTINED:
            raise TokenQuarantined()
        if token.is_expired:
            raise TokenRejected("This access token has expired.", code="token_expired")
        tester = token.tester
        if tester.status not in (Tester.Status.ACTIVE, Tester.Status.ONBOARDING):
            raise TokenForbidden("Your program membership is not active.", code="tester_inactive")
        if not tester.user.is_active:
            raise TokenRejected("This account is disabled.", code="account_disabled")
        token_request_check(token=token, request=request)
        return tester.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="atelier"'
