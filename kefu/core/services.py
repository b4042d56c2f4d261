"""Writes on center-wide data: number counters, the center settings row, holiday import."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.db.models import F

from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.models import CenterSetting, Counter, HolidayDay


def counter_reserve(*, name: str, count: int = 1) -> int:
    """Reserve `count` consecutive values of counter `name`; returns the first one.

    Must run inside the caller's transaction so a rolled-back import gives its numbers back.
    """
    Counter.objects.get_or_create(name=name)
    Counter.objects.filter(name=name).update(value=F("value") + count)
    return Counter.objects.get(name=name).value - count + 1


def center_settings() -> CenterSetting:
    setting = CenterSetting.objects.select_related("preset").first()
    return setting or CenterSetting.objects.create()


def holidays_import(*, text: str) -> int:
    """Import holiday days from CSV text `date,is_workday,name` (R-0.6); upsert by date.

    `is_workday` is 0/1, 休/班 or holiday/workday. All rows are checked before any is written.
    """
    rows, errors = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line, row in enumerate(reader, start=1):
        if not row or row[0].strip().lower() in ("date", "日期"):
            continue
        try:
            day = dt.date.fromisoformat(row[0].strip())
        except ValueError:
            errors.append(
                FieldError(
                    f"line {line}: date",
                    "invalid_date",
                    f"第 {line} 行日期无效：{row[0]}",
                    f"Line {line}: invalid date {row[0]}",
                )
            )
            continue
        flag = row[1].strip().lower() if len(row) > 1 else "0"
        if flag not in ("0", "1", "休", "班", "holiday", "workday"):
            errors.append(
                FieldError(
                    f"line {line}: is_workday",
                    "invalid_flag",
                    f"第 {line} 行类型无效：{flag}（0/1、休/班）",
                    f"Line {line}: invalid kind {flag} (0/1, holiday/workday)",
                )
            )
            continue
        rows.append((day, flag in ("1", "班", "workday"), row[2].strip() if len(row) > 2 else ""))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for day, is_workday, name in rows:
            HolidayDay.objects.update_or_create(
                date=day, defaults={"is_workday": is_workday, "name": name}
            )
    return len(rows)
