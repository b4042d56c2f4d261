"""/health: is the database answering and are the periodic jobs running? For a load
balancer or monitoring (200 healthy, 503 not), without sign-in and without personal data.
/healthz: the process answers (liveness: restart it when this fails). /readyz: it can serve
(readiness: send it traffic) — database, Redis and the channel layer when configured, the
periodic jobs within their period; each check named, 503 naming what failed."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from kefu.core.replica import replica_configured, replica_state
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


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check(fn) -> str:  # type: ignore[no-untyped-def]
    try:
        fn()
        return "ok"
    except Exception as exc:  # the answer itself must not fail
        return f"error: {exc.__class__.__name__}"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()


def _channel_layer() -> None:
    """A message through the layer to a channel of its own and back."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer")

    async def round_trip() -> None:
        import asyncio

        name = await layer.new_channel()
        await layer.send(name, {"type": "ready.check"})
        await asyncio.wait_for(layer.receive(name), timeout=2)

    async_to_sync(round_trip)()


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_database)}
    if settings.REDIS_URL:
        checks["redis"] = _check(_redis)
    checks["channel_layer"] = _check(_channel_layer)
    late = [j["job"] for j in job_health() if j["late"]] if checks["database"] == "ok" else []
    checks["jobs"] = "ok" if not late else "late: " + ", ".join(late)
    ready = all(v == "ok" for v in checks.values())
    body: dict = {"status": "ok" if ready else "not_ready", "checks": checks}
    if replica_configured():  # told, never "not ready": the primary answers in its place
        usable, why = replica_state()
        body["replica"] = "ok" if usable else f"passed over: {why}"
    return JsonResponse(body, status=200 if ready else 503)
