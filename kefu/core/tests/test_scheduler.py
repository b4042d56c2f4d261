"""The periodic jobs: one definition for the embedded scheduler and Celery beat."""

from unittest import mock

import pytest
from django.conf import settings

from kefu.core.scheduler import JOBS, Job, Scheduler, celery_beat_schedule, job_register

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


def test_each_kind_of_work_waits_in_its_own_queue_and_a_plain_worker_takes_them_all():
    """Production (issue 15): sending, imports and reports have queues of their own, so a
    host may run workers for one kind (`kefu worker -Q sending`) and a long report never
    holds back the morning's SMS; a worker started with no queue named takes every one."""
    from celery import Celery

    from config.celery import app
    from kefu.cli import main
    from kefu.core.scheduler import QUEUES

    # any sender with the settings routes by the job, finalized or not (send_task, beat)
    sender = Celery(set_as_current=False)
    sender.config_from_object("django.conf:settings", namespace="CELERY")
    queue_of = {j.name: sender.amqp.router.route({}, j.name)["queue"].name for j in JOBS}
    assert queue_of["kefu.care.send"] == "sending"
    assert queue_of["kefu.customers.imports"] == "imports"
    assert queue_of["kefu.reports.scheduled"] == "reports"
    assert queue_of["kefu.complaints.escalate"] == "default"
    assert set(queue_of.values()) == set(QUEUES)
    with pytest.raises(ValueError, match="unknown queue"):
        job_register(Job("kefu.bad", 60, "x.y", queue="fast"))

    started = []
    with mock.patch.object(app, "start", started.append):
        main(["worker", "--loglevel=INFO"])
        main(["worker", "-Q", "sending"])
    assert started[0][-2:] == ["-Q", "sending,imports,reports,default"]
    assert started[1] == ["worker", "-Q", "sending"]
    unit = (settings.BASE_DIR / "deploy/systemd/kefu-worker.service").read_text()
    assert "-Q sending,imports,reports,default" in unit


def test_the_escalation_job_escalates_a_late_work_order_once(agent, lead):
    """The registered job is the real escalation: a late order climbs the chain, the team
    lead is told, and running it again changes nothing (idempotent)."""
    import datetime as dt

    from django.utils import timezone

    from kefu.accounts.models import Department
    from kefu.interactions.models import Notice
    from kefu.setup.services import preset_load
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.services import work_order_create

    Department.objects.create(code="engineering", name="工程部")
    preset_load(code="property")
    order = work_order_create(
        actor=agent, data={"category": "fault", "department": "engineering", "title": "停水"}
    )
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
    job = next(j for j in JOBS if j.name == "kefu.tickets.escalate_overdue")
    assert job.run() >= 1
    assert WorkOrder.objects.get(pk=order.pk).escalation_level >= 1
    assert Notice.objects.filter(user=lead, kind="escalation").exists()
    assert job.run() == 0


def test_schedule_run_backfills_a_range_of_days(agent):
    import io

    from django.core.management import call_command

    from kefu.care.models import Message
    from kefu.customers.tests.factories import make_customer
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    make_customer(agent, phones=["13800000401"], birthday="1990-03-15")
    out = io.StringIO()
    call_command("schedule_run", "--date", "2026-03-07", "--until", "2026-03-09", stdout=out)
    lines = out.getvalue().splitlines()
    assert "2026-03-08 kefu.care.run_day: 1" in lines
    assert any(line.startswith("2026-03-09 kefu.followups.schedule_day") for line in lines)
    assert Message.objects.count() == 1  # the 8th made it; the 9th added nothing


def _redis_url() -> str | None:
    import os
    import socket

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = url.split("//", 1)[1].split("/")[0].rsplit(":", 1)
    try:
        socket.create_connection((parts[0], int(parts[1]) if len(parts) > 1 else 6379), 1).close()
    except OSError:
        return None
    return url.rsplit("/", 1)[0] + "/15"  # a database of its own


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_on_redis_runs_the_same_job(agent):
    """Production path: `kefu worker` on Redis picks up a job and writes to the database."""
    import datetime as dt
    import os
    import subprocess
    import sys
    import time
    import uuid

    from celery import Celery
    from django.db import connection
    from django.utils import timezone

    from kefu.complaints.models import Complaint
    from kefu.complaints.services import complaint_create
    from kefu.setup.services import preset_load

    redis = _redis_url()
    if connection.vendor != "postgresql" or redis is None:
        pytest.skip("needs PostgreSQL and Redis (SQLite's test database is in memory)")
    preset_load(code="auto")
    complaint = complaint_create(actor=agent, data={"complainant_name": "甲", "content": "乙"})
    Complaint.objects.filter(pk=complaint.pk).update(
        stage_due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": redis,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
    }
    queue = f"kefu-test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "worker", "--pool=solo", "-Q", queue, "-l", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        Celery(broker=redis).send_task("kefu.complaints.escalate", queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Complaint.objects.get(pk=complaint.pk).escalation_level == 1:
                break
            time.sleep(0.5)
        assert Complaint.objects.get(pk=complaint.pk).escalation_level == 1
    finally:
        worker.terminate()
        worker.wait(20)


def test_a_day_job_does_todays_work_once_and_backfills_always_run(agent):
    from kefu.care.models import Message
    from kefu.core.models import DayRun
    from kefu.customers.tests.factories import make_customer
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    job = next(j for j in JOBS if j.name == "kefu.care.run_day")
    make_customer(agent, phones=["13800000402"], birthday="1990-03-15")
    import datetime as dt

    import time_machine

    with time_machine.travel(
        dt.datetime(2026, 3, 8, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ):
        assert job.run() == 1
        assert job.run() == "done earlier today"
        assert DayRun.objects.filter(job=job.name, day=dt.date(2026, 3, 8)).exists()
    assert job.run(dt.date(2026, 3, 8)) == 1  # explicit day: runs (and adds nothing)
    assert Message.objects.count() == 1


def test_health_says_which_jobs_stopped_and_the_manager_sees_it(agent, manager, caplog):
    """A scheduler that cannot reach Redis stops silently: /health answers 503 naming the
    late jobs, the team lead's workbench shows them, and the outage is logged once."""
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from kefu.core.models import JobStatus

    r = Client().get("/health")
    assert r.status_code == 503 and r.json()["database"] == "ok"
    assert {j["job"] for j in r.json()["jobs"] if j["late"]} == {job.name for job in JOBS}
    errors = [rec for rec in caplog.records if rec.levelname == "ERROR"]
    for job in JOBS:
        job.run(dt.date(2026, 3, 8)) if job.daily else job.run()
    assert Client().get("/health").status_code == 200
    JobStatus.objects.filter(job="kefu.care.send").update(
        last_ok_at=timezone.now() - dt.timedelta(minutes=10)
    )
    r = Client().get("/health")
    assert r.status_code == 503
    assert [j["job"] for j in r.json()["jobs"] if j["late"]] == ["kefu.care.send"]
    Client().get("/health")
    logged = [rec for rec in caplog.records if rec.levelname == "ERROR"][len(errors) :]
    assert sum("kefu.care.send" in rec.getMessage() for rec in logged) == 1  # once
    web = Client()
    web.force_login(manager)
    page = web.get("/").content.decode()
    assert "后台任务未按时运行" in page and "kefu.care.send" in page
    web.force_login(agent)
    assert "后台任务未按时运行" not in web.get("/").content.decode()
