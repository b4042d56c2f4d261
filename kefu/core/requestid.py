"""One id per request, in every log line it causes (issue 15): taken from the proxy's
`X-Request-ID` when it is a plain token, else made here; answered in the response header;
carried into the Celery tasks the request sends (a message header) so a worker's log lines
name the request that asked for the work. In production the log lines are JSON
(`KEFU_LOG_JSON=1`, python-json-logger) with `request_id` as a field."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        rid = given if _VALID.match(given) else uuid.uuid4().hex
        token = current.set(rid)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record (`-` outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True


def task_publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Celery `before_task_publish`: the sending request's id goes with the task."""
    if headers is not None and current.get() != "-":
        headers.setdefault("kefu_request_id", current.get())


def task_started(task: Any = None, **_: Any) -> None:
    """Celery `task_prerun`: the worker logs under the id of the request that sent it (or
    the task's own id for the scheduler's runs)."""
    request = getattr(task, "request", None)
    rid = getattr(request, "kefu_request_id", None) or getattr(request, "id", None) or "-"
    current.set(str(rid))
