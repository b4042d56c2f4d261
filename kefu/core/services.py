"""Writes on center-wide data: number counters, holiday import, presets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from django.db import transaction
from django.db.models import F

from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.models import CenterSetting, Counter, HolidayDay, Preset

PRESET_DIR = Path(__file__).resolve().parent / "presets"


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


def preset_load(*, code: str) -> Preset:
    """Load an industry preset (R-0.2) and make it the center's active preset.

    Idempotent: reloading updates the preset's rows and creates nothing twice.
    """
    from kefu.care.services import preset_apply_care_data
    from kefu.complaints.services import preset_apply_complaint_data
    from kefu.customers.services import preset_apply_customer_data
    from kefu.followups.services import preset_apply_followup_data
    from kefu.tickets.services import preset_apply_ticket_data

    path = PRESET_DIR / f"{code}.json"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PRESET_DIR.glob("*.json")))
        raise ValidationFailed(
            FieldError(
                "preset",
                "unknown_preset",
                f"未知的行业预设：{code}（可选：{known}）",
                f"Unknown preset: {code} (known: {known})",
            )
        )
    config = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        preset, _ = Preset.objects.update_or_create(
            code=code, defaults={"label": config["label"], "config": config}
        )
        preset_apply_customer_data(config=config)
        preset_apply_ticket_data(config=config)
        preset_apply_complaint_data(config=config)
        preset_apply_followup_data(config=config)
        preset_apply_care_data(config=config)
        setting = center_settings()
        setting.preset = preset
        setting.save(update_fields=["preset"])
    return preset
