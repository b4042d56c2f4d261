"""/metrics for Prometheus (issue 15). Requests by view and method, their latencies and
response codes come from django-prometheus's middleware; the center's own figures are read
from the database when Prometheus scrapes (a few indexed counts): messages today by channel,
status and provider, follow-ups due and done today, periodic jobs late, and the Celery
queue's length on Redis. With several worker processes set `PROMETHEUS_MULTIPROC_DIR`
(an empty folder per start) so every process's requests are counted in one answer.

Only the addresses in `KEFU_METRICS_ALLOW` (loopback by default) or a request carrying
`Authorization: Bearer <KEFU_METRICS_TOKEN>` are answered: the figures say how busy the
center is, nothing personal."""

from __future__ import annotations

import datetime as dt
import hmac
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class CenterCollector(Collector):
    """The center's figures, read at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from kefu.care.models import Message
        from kefu.core.scheduler import QUEUES, job_health
        from kefu.followups.models import FollowUp

        today = timezone.localdate()
        start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
        messages = GaugeMetricFamily(
            "kefu_messages_today", "Messages scheduled today, by channel, status, provider",
            labels=["channel", "status", "provider"])  # fmt: skip
        rows = (Message.objects.filter(scheduled_for__gte=start,
                                       scheduled_for__lt=start + dt.timedelta(days=1))
                .values("channel", "status", "provider").annotate(n=Count("id")))  # fmt: skip
        for r in rows:
            messages.add_metric([r["channel"], r["status"], r["provider"] or "-"], r["n"])
        yield messages
        due = FollowUp.objects.filter(status="pending", due_on__lte=today).count()
        done = FollowUp.objects.filter(status="done", done_at__gte=start).count()
        yield GaugeMetricFamily("kefu_followups_due_today", "Follow-ups pending and due",
                                value=due)  # fmt: skip
        yield GaugeMetricFamily("kefu_followups_done_today", "Follow-ups done today", value=done)
        jobs = job_health()
        late = sum(1 for j in jobs if j["late"])
        yield GaugeMetricFamily("kefu_jobs_late", "Periodic jobs not finished in time",
                                value=late)  # fmt: skip
        # a job whose last run failed (Celery task or in-process), 1 until a run succeeds
        failing = GaugeMetricFamily("kefu_job_failing", "The job's last run failed",
                                    labels=["job"])  # fmt: skip
        for j in jobs:
            failed, ok = j["last_failed_at"], j["last_ok_at"]
            failing.add_metric(
                [j["job"]], float(failed is not None and (ok is None or failed > ok))
            )
        yield failing
        if settings.REDIS_URL:
            waiting = GaugeMetricFamily(
                "kefu_celery_queue_length", "Tasks waiting in a Celery queue", labels=["queue"]
            )
            for queue in QUEUES:
                waiting.add_metric([queue], _queue_length(queue))
            yield waiting


def _queue_length(queue: str) -> float:
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        return float(client.llen(queue))
    except Exception:  # Redis down: /readyz says so; the figure is missing, not an error
        return float("nan")


_center = CenterCollector()
_registered = False


def _registry() -> Any:
    global _registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_center)
        return registry
    if not _registered:
        REGISTRY.register(_center)
        _registered = True
    return REGISTRY


def _allowed(request: HttpRequest) -> bool:
    conf: dict[str, Any] = settings.KEFU
    token = str(conf.get("METRICS_TOKEN") or "")
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(token.encode(), given.encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in conf.get("METRICS_ALLOW", [])


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE)
