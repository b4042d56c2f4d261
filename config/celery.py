"""Celery app: production runs the same task functions on Redis; embedded runs them eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _register_jobs() -> None:
    """Every scheduler job is also a Celery task of the same name (one list, two runners).
    The apps register their jobs when Django starts, so Django is set up first."""
    import django

    django.setup()
    from kefu.core.scheduler import JOBS

    for job in JOBS:
        app.task(name=job.name)(job.run)


@app.on_after_finalize.connect
def _request_ids(sender, **kwargs):
    """A request's id travels with the tasks it sends (kefu.core.requestid)."""
    from celery.signals import before_task_publish, task_prerun

    from kefu.core.requestid import task_publish, task_started

    before_task_publish.connect(task_publish, weak=False)
    task_prerun.connect(task_started, weak=False)


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    _register_jobs()
    from kefu.core.scheduler import celery_beat_schedule

    sender.conf.beat_schedule = celery_beat_schedule()
