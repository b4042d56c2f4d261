"""How the API knows who is calling: a bearer token, or the console's session."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from kefu.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` from `kefu token create USERNAME`."""

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
