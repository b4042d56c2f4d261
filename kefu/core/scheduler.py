"""Periodic jobs, defined once: Celery beat runs them in production, and `kefu serve` runs
the same functions in a background thread in the embedded center (no broker needed)."""

from __future__ import annotations

import importlib
import logging
import threading
import time
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger("kefu.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    function: str  # dotted path of a function; a daily one takes an optional date
    daily: bool = False
    # the Celery queue its runs wait in (QUEUES): production may give each queue workers of
    # its own, on other hosts, so a long import or report never holds back the sending
    queue: str = "default"

    def run(self, day=None):
        """Run the job and record how it ended (JobStatus), whoever runs it: the embedded
        scheduler, a Celery worker or `kefu jobs run`."""
        from django.utils import timezone

        from kefu.core.models import JobStatus

        try:
            result = self._run(day)
        except Exception as exc:
            JobStatus.objects.update_or_create(
                job=self.name,
                defaults={"last_failed_at": timezone.now(), "last_error": repr(exc)[:2000]},
            )
            raise
        JobStatus.objects.update_or_create(job=self.name, defaults={"last_ok_at": timezone.now()})
        return result

    def _run(self, day=None):
        """A day job called without a day does today's work once: after a run that
        finished, the hourly calls of the same day return at once; a run that died left no
        mark and is simply done again (its writes are idempotent)."""
        module, _, attr = self.function.rpartition(".")
        function = getattr(importlib.import_module(module), attr)
        if not self.daily:
            return function()
        if day is not None:  # an explicit day (backfill) always runs
            return function(day)
        from django.utils import timezone

        from kefu.core.models import DayRun

        today = timezone.localdate()
        if DayRun.objects.filter(job=self.name, day=today).exists():
            return "done earlier today"
        result = function(today)
        DayRun.objects.get_or_create(job=self.name, day=today)
        return result


# Each app registers its jobs in its AppConfig.ready(), in INSTALLED_APPS order, so the core
# names no app. Day jobs run hourly: idempotent, so the first run of a day does the work and a
# crashed run completes on the next; `kefu schedule run --date` runs them for any day.
JOBS: list[Job] = []


# The Celery queues, by kind of work: messages out and replies in; file imports; reports and
# the figures behind them; everything else (escalations, follow-up lists, handovers).
QUEUES = ("sending", "imports", "reports", "default")


def job_register(job: Job) -> None:
    """Add a job to the one list that `kefu serve`, Celery beat and `kefu jobs run` read."""
    if job.queue not in QUEUES:
        raise ValueError(f"job {job.name}: unknown queue {job.queue!r} (one of {QUEUES})")
    if all(known.name != job.name for known in JOBS):
        JOBS.append(job)


def celery_beat_schedule() -> dict:
    """The same jobs for Celery beat (each job name is also its Celery task name)."""
    return {job.name: {"task": job.name, "schedule": float(job.every_seconds)} for job in JOBS}


def celery_route(name: str, args=None, kwargs=None, options=None, task=None, **kw) -> dict | None:
    """Celery's router (CELERY_TASK_ROUTES): a job's task goes to its job's queue, whoever
    sends it — beat, `send_task`, a test."""
    for job in JOBS:
        if job.name == name:
            return {"queue": job.queue}
    return None


class Scheduler:
    """Runs each job when its interval has passed; `run_due` is the whole logic, the thread
    only calls it every few seconds."""

    def __init__(self, jobs: list[Job] | None = None):
        self.jobs = list(JOBS if jobs is None else jobs)
        self.last_run: dict[str, float] = {}

    def run_due(self, now: float) -> list[str]:
        ran = []
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every_seconds:
                continue
            self.last_run[job.name] = now
            close_old_connections()
            try:
                result = job.run()
                # a run with nothing to do (the import queue every 10 s) stays out of the log
                idle = result in (0, None, "done earlier today") or result == {}
                logger.log(
                    logging.DEBUG if idle else logging.INFO, "job %s done: %s", job.name, result
                )
            except Exception:  # a failing job must not stop the others or the server
                logger.exception("job %s failed", job.name)
            finally:
                close_old_connections()
            ran.append(job.name)
        return ran

    def start(self, tick_seconds: float = 5.0) -> threading.Thread:
        def loop():
            while True:
                self.run_due(time.monotonic())
                time.sleep(tick_seconds)

        thread = threading.Thread(target=loop, name="kefu-scheduler", daemon=True)
        thread.start()
        return thread


LATE_AFTER = 3  # a job is late when it has not finished for three of its intervals
_outage_logged: set[str] = set()


def job_health(now=None) -> list[dict]:
    """Each job with when it last finished and whether it is late. A job that becomes late
    is logged as an error once (per process), and again only after it has recovered."""
    import datetime as dt

    from django.utils import timezone

    from kefu.core.models import JobStatus

    now = now or timezone.now()
    known = {s.job: s for s in JobStatus.objects.all()}
    out = []
    for job in JOBS:
        status = known.get(job.name)
        last_ok = status.last_ok_at if status else None
        late = last_ok is None or now - last_ok > dt.timedelta(
            seconds=LATE_AFTER * job.every_seconds
        )
        if late and job.name not in _outage_logged:
            _outage_logged.add(job.name)
            logger.error(
                "job %s has not finished since %s: is the scheduler (Celery beat and worker "
                "on REDIS_URL, or kefu serve) running?",
                job.name,
                last_ok or "never",
            )
        elif not late:
            _outage_logged.discard(job.name)
        out.append(
            {
                "job": job.name,
                "every_seconds": job.every_seconds,
                "last_ok_at": last_ok,
                "last_failed_at": status.last_failed_at if status else None,
                "last_error": status.last_error if status else "",
                "late": late,
            }
        )
    return out
