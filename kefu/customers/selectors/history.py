"""A customer's audit history, before → after (R-0.3)."""

from __future__ import annotations

import datetime as dt

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import PermissionDenied
from kefu.customers.models import (
    Asset,
    Customer,
    CustomerPhone,
)
from kefu.customers.validation import (
    mask_address,
    mask_phone,
)


def _history_rows(records, label: str) -> list[dict]:
    rows = []
    records = list(records)
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) and records[i + 1].id == rec.id else None
        if rec.history_type == "+":
            changes = [{"field": label, "before": None, "after": str(rec.instance)}]
        elif rec.history_type == "-":
            changes = [{"field": label, "before": str(rec.instance), "after": None}]
        elif prev is not None:
            delta = rec.diff_against(prev)
            changes = [
                {"field": f"{label}.{ch.field}", "before": _plain(ch.old), "after": _plain(ch.new)}
                for ch in delta.changes
            ]
        else:
            changes = []
        rows.append(
            {
                "at": rec.history_date,
                "user": getattr(rec.history_user, "username", None),
                "action": {"+": "created", "~": "changed", "-": "removed"}[rec.history_type],
                "changes": changes,
                "reason": rec.history_change_reason,
            }
        )
    return rows


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | dict | int | float | bool) or value is None:
        return value
    return str(value)


def customer_history(*, user: User, customer: Customer, limit: int = 200) -> list[dict]:
    """Who changed what, when (R-0.3): the customer, its phones and its assets."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    order = ("id", "-history_date", "-history_id")
    rows = _history_rows(Customer.history.filter(id=customer.pk).order_by(*order), "customer")
    rows += _history_rows(
        CustomerPhone.history.filter(customer_id=customer.pk).order_by(*order), "phone"
    )
    rows += _history_rows(Asset.history.filter(customer_id=customer.pk).order_by(*order), "asset")
    for row in rows:
        if row["changes"] and row["changes"][0]["field"] == "phone":
            row["changes"] = [
                {
                    **ch,
                    "before": ch["before"] and mask_phone(ch["before"]),
                    "after": ch["after"] and mask_phone(ch["after"]),
                }
                for ch in row["changes"]
            ]
        for ch in row["changes"]:
            if ch["field"] in ("customer.id_number", "phone.number", "phone.last4"):
                ch["before"] = ch["before"] and "****"
                ch["after"] = ch["after"] and "****"
            elif ch["field"] == "customer.address":
                ch["before"] = ch["before"] and mask_address(ch["before"])
                ch["after"] = ch["after"] and mask_address(ch["after"])
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]
