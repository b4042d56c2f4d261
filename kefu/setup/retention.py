"""Retention (R-11.3): the daily job that clears what the center's policy says it no longer
keeps (中心设置: months per kind; 0 keeps for ever). Records are archived, not deleted — a
contact keeps its channel, category, agent and times for the reports and loses the caller's
number, name and what was said; a message keeps its kind, status and time and loses its
recipient and text; a transcript loses its recording link. SMS replies (numbers and text, no
figure depends on them) are deleted. A contact whose complaint or work order is still open
is kept whole (a legal hold) until the case closes.

Each run clears at most BATCH records per kind (a center switching the policy on works
through its backlog day by day) and writes one `RetentionRun` per kind it cleared: what,
the cut-off and how many — the audit trail of a job that has no user (R-0.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.core.models import RetentionRun
from kefu.core.services import center_settings
from kefu.setup.privacy import PERSONAL, cleared, open_cases

BATCH = 20_000


def _months_ago(now: dt.datetime, months: int) -> dt.datetime:
    return now - dt.timedelta(days=round(months * 30.44))


def _clear(kind: str, cutoff: dt.datetime, queryset: Any, values: dict[str, Any]) -> int:
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return 0
    model = queryset.model
    with transaction.atomic():
        n = model._base_manager.filter(pk__in=ids).update(**values)
        if hasattr(model, "history"):  # earlier versions keep what was cleared too
            kept = {f.name for f in model.history.model._meta.concrete_fields}
            model.history.filter(id__in=ids).update(
                **{k: v for k, v in values.items() if k in kept}
            )
        RetentionRun.objects.create(kind=kind, cutoff=cutoff, cleared=n)
    return n


def retention_run(day: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply the policy once (the day job passes its day; the cut-offs count from now); how
    many records of each kind were cleared."""
    from kefu.care.choices import Status as MessageStatus
    from kefu.care.models import InboundSms, Message
    from kefu.interactions.models import Interaction
    from kefu.quality.models import Transcript

    now = now or timezone.now()
    policy = center_settings()
    done: dict[str, int] = {}
    if months := policy.retain_contacts_months:
        cutoff = _months_ago(now, months)
        complaints, orders = open_cases()  # their contacts are kept whole (a legal hold)
        contacts = (
            Interaction.objects.filter(created_at__lt=cutoff)
            .exclude(caller_number="", contact_name="", content="", demand="", outcome="")
            .exclude(pk__in=complaints.filter(interaction__isnull=False).values("interaction_id"))
            .exclude(pk__in=orders.filter(interaction__isnull=False).values("interaction_id"))
        )
        personal = cleared(Interaction, PERSONAL["interactions.Interaction"])
        done["contacts"] = _clear("contacts", cutoff, contacts, personal)
    if months := policy.retain_recordings_months:
        cutoff = _months_ago(now, months)
        links = Transcript.objects.filter(received_at__lt=cutoff).exclude(recording_url="")
        done["recordings"] = _clear("recordings", cutoff, links, {"recording_url": ""})
    if months := policy.retain_messages_months:
        cutoff = _months_ago(now, months)
        final = [MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.SKIPPED]
        messages = Message.objects.filter(scheduled_for__lt=cutoff, status__in=final).exclude(
            to="", body=""
        )
        done["messages"] = _clear("messages", cutoff, messages,
                                  cleared(Message, PERSONAL["care.Message"]))  # fmt: skip
        old = list(
            InboundSms.objects.filter(received_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if old:
            with transaction.atomic():
                n, _ = InboundSms.objects.filter(pk__in=old).delete()
                RetentionRun.objects.create(kind="replies", cutoff=cutoff, cleared=n)
            done["replies"] = n
    return {k: v for k, v in done.items() if v}
