"""The API's input boundary: a control character anywhere in a request (query or JSON body)
is refused with a 422 naming where it is, before any service or database sees it — so
NUL behaves the same on SQLite and PostgreSQL (which cannot store it) and nothing stored
can break a later export. Newlines and tabs are text; the services refuse them in
one-line fields."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from kefu.core.inputs import control_error


def _first_control(value: Any, where: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        return (where, value) if control_error(where, value, multiline=True) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_control(str(key), where) or _first_control(
                item, f"{where}.{key}" if where else str(key)
            )
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _first_control(item, f"{where}[{i}]")
            if found:
                return found
    return None


class ApiInputGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            found = None
            for key, values in request.GET.lists():
                for value in values:
                    found = found or _first_control(value, key)
            if found is None and request.content_type == "application/json":
                try:
                    found = _first_control(json.loads(request.body or b"null"), "")
                except (ValueError, UnicodeDecodeError, RequestDataTooBig):
                    found = None  # malformed or too large: the API answers in its own shape
            if found is not None:
                field, value = found
                error = control_error(field or "body", value, multiline=True)
                body = error.as_dict() if error is not None else {"field": field}
                return JsonResponse(
                    {"errors": [body]}, status=422, json_dumps_params={"ensure_ascii": False}
                )
        return self.get_response(request)
