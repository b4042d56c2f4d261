"""/health: is the database answering and are the periodic jobs running? For a load
balancer or monitoring (200 healthy, 503 not), without sign-in and without personal data."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from kefu.core.scheduler import job_health


def _local(when):
    return timezone.localtime(when).isoformat() if when else None


def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # the answer itself must not fail
        database = f"error: {exc.__class__.__name__}"
    jobs = job_health() if database == "ok" else []
    healthy = database == "ok" and not any(j["late"] for j in jobs)
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "jobs": [
                {
                    "job": j["job"],
                    # in the center's time zone, as every time the system shows
                    "last_ok_at": _local(j["last_ok_at"]),
                    "late": j["late"],
                    "last_failed_at": _local(j["last_failed_at"]),
                }
                for j in jobs
            ],
        },
        status=200 if healthy else 503,
    )
