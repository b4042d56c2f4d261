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

from kefu.core.errors import FieldError
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
            body: Any = {}  # no body at all is fine
            if found is None and request.content_type == "application/json":
                try:
                    if request.body.strip():
                        body = json.loads(request.body)
                    found = _first_control(body, "")
                except (ValueError, UnicodeDecodeError, RequestDataTooBig):
                    found = None  # malformed or too large: the API answers in its own shape
            if found is not None:
                field, value = found
                error = control_error(field or "body", value, multiline=True)
                return _refused(error.as_dict() if error is not None else {"field": field})
            if not isinstance(body, dict) and not request.path.startswith(LIST_BODIES):
                # every body of this API is an object; a list, null or a bare value must
                # not pass as one whose fields all have defaults (the SMS providers'
                # reply callbacks, in their own formats, read their arrays themselves)
                return _refused(NOT_AN_OBJECT.as_dict())
        return self.get_response(request)


LIST_BODIES = "/api/v1/sms/replies/"
NOT_AN_OBJECT = FieldError(
    "body", "not_an_object", "请求内容应为 JSON 对象 {…}", "The body must be a JSON object {…}"
)


def _refused(error: dict) -> JsonResponse:
    return JsonResponse({"errors": [error]}, status=422, json_dumps_params={"ensure_ascii": False})
