"""How the API knows who is calling: a bearer token, or the console's session."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from kefu.accounts.services import token_authenticate, token_guess_failed, token_guesses_check


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` from `kefu token create USERNAME`."""

    def authenticate(self, request, token):
        address = request.META.get("REMOTE_ADDR", "")
        token_guesses_check(address)
        user = token_authenticate(token)
        if user is None:
            token_guess_failed(address)
        else:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
