"""Exporting customers with the import's columns (R-1.8), permission-gated and logged
(R-0.5), as spreadsheet-safe CSV or XLSX."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.replica import replica_reads
from kefu.core.tables import csv_bytes, xlsx_bytes
from kefu.customers.models import Asset, Customer, CustomerPhone, PiiAccessLog


@replica_reads
def export_customers(*, actor: User, queryset=None, fmt: str = "xlsx") -> tuple[bytes, int]:
    """Export customers with the import's columns (R-1.8); permission-gated and logged (R-0.5)."""
    from kefu.customers.transfer import ASSET_FIELDS, COLUMNS  # the import's columns

    require(actor, P.EXPORT_CUSTOMERS)
    qs = (queryset if queryset is not None else Customer.objects.all()).order_by("id")
    qs = qs.select_related("owner").prefetch_related(
        Prefetch("phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id")),
        Prefetch("assets", queryset=Asset.objects.order_by("id")),
        "tags",
    )
    header = [zh for _, zh, _ in COLUMNS]
    names = [name for name, _, _ in COLUMNS]
    count = 0

    def rows():
        nonlocal count
        for cust in qs.iterator(chunk_size=2000):
            count += 1
            asset = next(iter(cust.assets.all()), None)
            values = []
            for name in names:
                if name == "phones":
                    values.append(";".join(p.number for p in cust.phones.all()))
                elif name == "tags":
                    values.append(";".join(sorted(t.name for t in cust.tags.all())))
                elif name == "owner":
                    values.append(cust.owner.username if cust.owner else "")
                elif name in ASSET_FIELDS:
                    values.append(_fmt(getattr(asset, name, "") if asset else ""))
                else:
                    values.append(_fmt(getattr(cust, name)))
            yield values

    if fmt == "csv":
        data = csv_bytes(header, rows())
    else:
        data = xlsx_bytes("客户 customers", header, rows())
    PiiAccessLog.objects.create(user=actor, action="export", fields="all", count=count, channel=fmt)
    return data, count


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
