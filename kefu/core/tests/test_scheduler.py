"""The periodic jobs: one definition for the embedded scheduler and Celery beat."""

import pytest

from kefu.core.scheduler import JOBS, Job, Scheduler, celery_beat_schedule

pytestmark = pytest.mark.django_db

calls = []


def record():
    calls.append(1)
    return len(calls)


def boom():
    raise RuntimeError("broken job")


def test_jobs_run_once_per_interval_and_a_failure_does_not_stop_the_others():
    calls.clear()
    scheduler = Scheduler(
        [Job("boom", 60, f"{__name__}.boom"), Job("record", 60, f"{__name__}.record")]
    )
    assert scheduler.run_due(1000.0) == ["boom", "record"]
    assert scheduler.run_due(1030.0) == []
    assert scheduler.run_due(1061.0) == ["boom", "record"]
    assert calls == [1, 1]


def test_every_job_is_a_celery_task_too():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = celery_beat_schedule()
    assert set(schedule) == {job.name for job in JOBS}
    for name in schedule:
        assert name in app.tasks, name


def test_the_escalation_job_runs_against_the_database():
    job = next(j for j in JOBS if j.name == "kefu.tickets.escalate_overdue")
    assert job.run() == 0
