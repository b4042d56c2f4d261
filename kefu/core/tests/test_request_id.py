"""Request ids (R-11.2, issue 15): each response names its request; the proxy's id is kept when it
is a plain token; log lines carry it (as a JSON field in production); a task sent during the
request carries it into the worker's log lines."""

import json
import logging
from types import SimpleNamespace

import pytest
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from kefu.core import requestid

pytestmark = pytest.mark.django_db


def test_each_response_names_its_request_and_keeps_the_proxys_id():
    made = Client().get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    kept = Client(HTTP_X_REQUEST_ID="nginx-1f2e3d4c5b").get("/healthz")["X-Request-ID"]
    assert kept == "nginx-1f2e3d4c5b"
    forged = Client(HTTP_X_REQUEST_ID="a b\nInjected: yes").get("/healthz")["X-Request-ID"]
    assert forged != "a b\nInjected: yes" and len(forged) == 32


def test_log_lines_and_tasks_carry_the_request_id():
    token = requestid.current.set("req-12345678")
    try:
        record = logging.LogRecord("kefu.care", logging.INFO, __file__, 1, "sent %s", (3,), None)
        requestid.RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s")
                          .format(record))  # fmt: skip
        assert line == {"levelname": "INFO", "name": "kefu.care", "request_id": "req-12345678",
                        "message": "sent 3"}  # fmt: skip
        headers: dict = {}
        requestid.task_publish(headers=headers)
        assert headers == {"kefu_request_id": "req-12345678"}
    finally:
        requestid.current.reset(token)
    worker = SimpleNamespace(request=SimpleNamespace(kefu_request_id="req-12345678", id="t-1"))
    requestid.task_started(task=worker)
    assert requestid.current.get() == "req-12345678"
    requestid.task_started(task=SimpleNamespace(request=SimpleNamespace(id="beat-task-9")))
    assert requestid.current.get() == "beat-task-9"  # a scheduler run logs under its task id
    requestid.current.set("-")
