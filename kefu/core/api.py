"""API plumbing shared by every router: the bounded row-id type."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

# A row id as the database stores it: larger numbers are refused as input errors (422 naming
# the field) before they reach a query, where they would overflow.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Problem(Schema):
    field: str
    code: str
    message: str
    message_en: str


class ErrorOut(Schema):
    errors: list[Problem]


# Every endpoint answers its refusals in one shape (docs/api.md).
ERRORS = {
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
