"""Importing lifecycle events from a DMS export (CSV or XLSX, R-5.1): all or nothing, with
a report naming the line and column of every problem; replaying a file adds nothing."""

from __future__ import annotations

from django.db import transaction

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.errors import FieldError, ValidationFailed
from kefu.customers.files import read_rows
from kefu.customers.models import Asset, Customer, CustomerPhone
from kefu.customers.selectors import caller_digits
from kefu.followups import events

COLUMNS = {
    "type": ("type", "事件", "事件类型"),
    "customer_number": ("customer_number", "客户编号", "客户号"),
    "phone": ("phone", "手机", "电话", "手机号"),
    "vin": ("vin", "VIN", "车架号"),
    "occurred_at": ("occurred_at", "时间", "日期", "发生时间"),
    "external_id": ("external_id", "单号", "业务单号"),
    "amount": ("amount", "金额"),
    "accident": ("accident", "事故", "事故车"),
}
TRUE = {"1", "true", "yes", "是", "y"}


def _header(row: list) -> dict[int, str]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    mapping = {}
    for i, title in enumerate(row):
        if title is not None:
            mapping[i] = lookup.get(str(title).strip().lower(), f"attr:{str(title).strip()}")
    missing = [k for k in ("type", "occurred_at") if k not in mapping.values()]
    if not {"customer_number", "phone", "vin"} & set(mapping.values()):
        missing.append("customer_number|phone|vin")
    if missing:
        raise ValidationFailed(
            FieldError(
                "header",
                "missing_columns",
                f"缺少必需的列：{'、'.join(missing)}",
                f"Missing required columns: {', '.join(missing)}",
            )
        )
    return mapping


def _customer(values: dict) -> tuple[Customer | None, Asset | None]:
    if values.get("customer_number"):
        return Customer.objects.filter(number=str(values["customer_number"]).upper()).first(), None
    if values.get("vin"):
        asset = Asset.objects.filter(vin=str(values["vin"]).upper()).select_related("customer")
        asset = asset.first()
        return (asset.customer, asset) if asset else (None, None)
    phone = CustomerPhone.objects.filter(number=caller_digits(str(values.get("phone") or "")))
    found = phone.select_related("customer").first()
    return (found.customer if found else None), None


def import_events(*, actor: User, filename: str, content: bytes, dry_run: bool) -> dict:
    require(actor, P.IMPORT_CUSTOMERS)
    rows = read_rows(filename, content)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(FieldError("file", "empty", "文件为空", "The file is empty"))
    mapping = _header(header)
    errors, good = [], []
    for line, row in enumerate(rows, start=2):
        values = {mapping[i]: v for i, v in enumerate(row) if i in mapping and v is not None}
        if not values:
            continue
        customer, asset = _customer(values)
        attributes = {k[5:]: str(v) for k, v in values.items() if k.startswith("attr:")}
        if values.get("amount") is not None:
            attributes["amount"] = str(values["amount"])
        if values.get("accident") is not None:
            attributes["accident"] = str(values["accident"]).strip().lower() in TRUE
        data = {
            "type": values.get("type"),
            "customer_id": customer.pk if customer else None,
            "asset_id": asset.pk if asset else None,
            "occurred_at": str(values.get("occurred_at") or ""),
            "external_id": str(values.get("external_id") or ""),
            "attributes": attributes,
        }
        _, problems = events.event_clean(data)
        if not data["occurred_at"]:
            problems.append(
                FieldError("occurred_at", "required", "请填写事件时间", "occurred_at is required")
            )
        if customer is None:
            problems = [p for p in problems if p.field != "customer_id"] + [
                FieldError(
                    "customer",
                    "not_found",
                    "找不到该客户（客户编号、手机或 VIN）",
                    "No customer with this number, phone or VIN",
                )
            ]
        errors += [
            {
                "line": line,
                "field": p.field,
                "code": p.code,
                "message": p.message,
                "message_en": p.message_en,
            }
            for p in problems
        ]
        good.append(data)
    report = {"rows": len(good), "errors": errors, "created": 0, "existing": 0, "followups": 0}
    if errors or dry_run:
        report["status"] = "rejected" if errors else "checked"
        return report
    with transaction.atomic():
        for data in good:
            event, created = events.event_record(actor=actor, data=data)
            report["created" if created else "existing"] += 1
            report["followups"] += event.followups.count() if created else 0
    report["status"] = "imported"
    return report
