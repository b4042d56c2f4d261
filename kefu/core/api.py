"""API plumbing shared by every router: bearer/session auth and the error format."""

from __future__ import annotations

from typing import Annotated

from ninja import Field
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


# A row id as the database stores it: larger numbers are refused as input errors (422 naming
# the field) before they reach a query, where they would overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
