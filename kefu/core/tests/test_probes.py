"""Probes for the proxy and the orchestrator (R-11.2, issue 15): /healthz answers while the process
runs; /readyz only when the database, Redis and the channel layer answer and the periodic
jobs are within their period — naming what is not, without sign-in or personal data."""

import pytest
from django.test import Client
from django.utils import timezone

from kefu.core.models import JobStatus
from kefu.core.scheduler import JOBS

pytestmark = pytest.mark.django_db


def jobs_ran():
    for job in JOBS:
        JobStatus.objects.update_or_create(job=job.name, defaults={"last_ok_at": timezone.now()})


def test_healthz_is_the_process_alone():
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_names_what_is_not_ready(settings):
    r = Client().get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["jobs"].startswith("late: ")
    jobs_ran()
    r = Client().get("/readyz")
    assert r.status_code == 200, r.json()
    assert r.json()["checks"]["database"] == r.json()["checks"]["channel_layer"] == "ok"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    r = Client().get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["redis"].startswith("error: ")
