"""Celery tasks of work orders: thin wrappers around the services."""

from celery import shared_task

from kefu.tickets.services import escalate_overdue


@shared_task(name="kefu.tickets.escalate_overdue")
def escalate_overdue_task() -> int:
    """Run every few minutes (Celery beat in production; the embedded scheduler later)."""
    return escalate_overdue()
