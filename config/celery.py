"""Celery app: production runs the same task functions on Redis; embedded runs them eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
