"""Setting a center up: industry presets (R-0.2). This app stands above the domain apps
(as the console does), so it may call every app's `preset_apply_*`; nothing below imports it."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from kefu.care.services import preset_apply_care_data
from kefu.complaints.services import preset_apply_complaint_data
from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.models import Preset
from kefu.core.services import center_settings
from kefu.customers.services import preset_apply_customer_data
from kefu.followups.services import preset_apply_followup_data
from kefu.tickets.services import preset_apply_ticket_data

PRESET_DIR = Path(__file__).resolve().parent / "presets"


def preset_load(*, code: str) -> Preset:
    """Load an industry preset (R-0.2) and make it the center's active preset.

    Idempotent: reloading updates the preset's rows and creates nothing twice.
    """
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
