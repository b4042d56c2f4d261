"""The complaint archive out (R-4.4): CSV with every stage's record, phones masked, the
export logged (R-0.5)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.complaints import selectors as sel
from kefu.complaints.models import Complaint
from kefu.core.replica import replica_reads
from kefu.core.tables import csv_bytes
from kefu.customers.models import PiiAccessLog
from kefu.customers.validation import mask_phone

HEADER = ["投诉编号", "受理时间", "投诉人", "电话", "渠道", "内容", "要求", "经办人", "阶段",
          "结果", "责任部门", "类别", "原因", "责任人", "顾客确认", "评价", "改进措施", "结案时间",
          "重开次数", "各阶段记录"]  # fmt: skip


def _line(c: Complaint) -> list[Any]:
    stages = " | ".join(
        f"{r.get_stage_display()}@{timezone.localtime(r.completed_at):%Y-%m-%d %H:%M}"
        + (f" {r.data}" if r.data else "")
        for r in c.stages.all()
        if r.completed_at
    )
    return [
        c.number,
        f"{timezone.localtime(c.received_at):%Y-%m-%d %H:%M}",
        c.complainant_name,
        mask_phone(c.complainant_phone) if c.complainant_phone else "",
        c.get_channel_display(),
        c.content,
        c.demand,
        c.handler.username,
        c.get_stage_display(),
        c.get_outcome_display() if c.outcome else "",
        c.department.name if c.department else "",
        c.get_complaint_class_display() if c.complaint_class else "",
        c.root_cause,
        c.responsible_person,
        c.acceptance,
        c.evaluation,
        c.improvement,
        f"{timezone.localtime(c.closed_at):%Y-%m-%d %H:%M}" if c.closed_at else "",
        c.reopen_count,
        stages,
    ]


@replica_reads
def complaints_export(*, actor: User, filters: dict[str, Any]) -> bytes:
    """The archive with the list's filters as UTF-8 CSV (with a BOM, so Excel reads it,
    and every typed text made safe to open); managers and the GM; one log row."""
    require(actor, P.EXPORT_CUSTOMERS)
    rows = sel.complaints(user=actor, **filters).prefetch_related("stages")
    lines = [_line(c) for c in rows.iterator(chunk_size=500)]
    PiiAccessLog.objects.create(
        user=actor, action="export", fields="complaints", count=len(lines), channel="csv"
    )
    return csv_bytes(HEADER, lines)
