"""/metrics for Prometheus (R-11.2, issue 15): requests by view with their latencies, and the
center's own figures (messages today by status and provider, follow-ups due and done, late
jobs); answered to loopback or the metrics token, refused to anyone else."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.customers.tests.factories import make_customer
from kefu.followups.events import event_record
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


def test_metrics_count_requests_and_the_centers_day(agent, settings):
    preset_load(code="auto")
    customer = make_customer(agent, phones=["13800000601"])
    handed_back = timezone.now() - dt.timedelta(days=4)  # its 3DC call is due
    event_record(actor=agent, data={"type": "repair_handed_back", "customer_id": customer.pk,
                                    "occurred_at": handed_back.isoformat()})  # fmt: skip
    Client().get("/healthz")
    text = Client().get("/metrics").content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}'
        in text
    )
    assert "kefu_followups_due_today 1.0" in text
    assert "kefu_jobs_late" in text and "kefu_messages_today" in text
    assert 'kefu_job_failing{job="kefu.care.send"} 0.0' in text


def test_a_failing_job_shows_until_it_runs_again(agent):
    """Task failures (issue 15): the job whose last run raised reads 1, then 0 once a run
    succeeds."""
    from kefu.core.models import JobStatus

    then = timezone.now()
    JobStatus.objects.create(job="kefu.care.send", last_ok_at=then - dt.timedelta(minutes=5),
                             last_failed_at=then, last_error="SMS provider down")  # fmt: skip
    text = Client().get("/metrics").content.decode()
    assert 'kefu_job_failing{job="kefu.care.send"} 1.0' in text
    JobStatus.objects.filter(job="kefu.care.send").update(last_ok_at=then + dt.timedelta(minutes=1))
    text = Client().get("/metrics").content.decode()
    assert 'kefu_job_failing{job="kefu.care.send"} 0.0' in text


def test_metrics_are_refused_to_other_addresses_without_the_token(settings):
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403
    settings.KEFU = {**settings.KEFU, "METRICS_TOKEN": "m-secret"}
    ok = Client(REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer m-secret").get("/metrics")
    assert ok.status_code == 200 and ok["Content-Type"].startswith("text/plain")
    wrong = Client(REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer guess").get("/metrics")
    assert wrong.status_code == 403


def test_the_sample_grafana_dashboard_reads_only_metrics_that_exist(settings):
    """deploy/grafana/kefu-dashboard.json: every metric a panel asks for is one /metrics
    answers (a renamed metric would leave a panel empty in production)."""
    import json
    import re
    from pathlib import Path

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # the queue figure is listed even when down
    Client().get("/healthz")
    Client().get("/missing-page/")  # a 404 response code series
    text = Client().get("/metrics").content.decode()
    exported = set(re.findall(r"^([a-z_]+?)(?:\{|\s)", text, re.M))  # series with samples
    exported |= set(re.findall(r"^# TYPE ([a-z_]+) ", text, re.M))  # and those without yet
    dashboard = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "kefu-dashboard.json"
    panels = json.loads(dashboard.read_text(encoding="utf-8"))["panels"]
    asked = {m for p in panels for t in p["targets"]
             for m in re.findall(r"\b(django_[a-z_]+|kefu_[a-z_]+)\b", t["expr"])}  # fmt: skip
    assert asked and asked <= exported, asked - exported
