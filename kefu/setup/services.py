"""Setting a center up: industry presets (R-0.2). This app stands above the domain apps
(as the console does), so it may call every app's `preset_apply_*`; nothing below imports it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from kefu.activities.services import activity_followup_seed
from kefu.care.services import care_rules_retire, preset_apply_care_data
from kefu.complaints.services import preset_apply_complaint_data
from kefu.core.errors import Conflict, FieldError, ValidationFailed
from kefu.core.models import Preset
from kefu.core.services import center_settings
from kefu.customers.services import preset_apply_customer_data
from kefu.followups.services import followup_rules_retire, preset_apply_followup_data
from kefu.members.services import member_levels_seed
from kefu.outbound.services import sales_scripts_seed
from kefu.quality.inspections import form_seed
from kefu.quality.phrases import phrases_seed
from kefu.quality.roster import shifts_seed
from kefu.quality.transcripts import rules_seed
from kefu.reports.churn import churn_rules_seed
from kefu.reports.points import rules_seed as point_rules_seed
from kefu.reports.scheduled import scheduled_seed
from kefu.tickets.services import preset_apply_ticket_data

PRESET_DIR = Path(__file__).resolve().parent / "presets"


def _codes(config: dict, *path: str) -> set[str]:
    for key in path[:-1]:
        config = config.get(key, {})
    return {r["code"] for r in config.get(path[-1], [])}


def preset_load(*, code: str, force: bool = False) -> Preset:
    """Load an industry preset (R-0.2) and make it the center's active preset.

    Idempotent: reloading updates the preset's rows and creates nothing twice. Switching a
    live center to another preset stops the old preset's follow-up and care rules that the
    new one has not (`preset.replaced` says how many); it is refused while those rules have
    follow-ups still to call, unless `force` (they are then still called, none are added).
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
        current = center_settings().preset
        switching = current is not None and current.code != code
        replaced: dict[str, Any] = {"followup_rules": 0, "care_rules": 0, "open_followups": 0}
        if current is not None and switching:
            old = current.config
            rules = _codes(old, "followup_rules") - _codes(config, "followup_rules")
            care = _codes(old, "care", "rules") - _codes(config, "care", "rules")
            count, open_tasks = followup_rules_retire(codes=rules, dry_run=True)
            if open_tasks and not force:
                raise Conflict(
                    FieldError(
                        "preset",
                        "open_followups",
                        f"「{current.label}」预设的 {count} 条回访规则还有 "
                        f"{open_tasks} 个待回访任务；确认替换请加 --force"
                        "（这些任务仍需回访，不再新增）",
                        f"The {current.code} preset's {count} follow-up rules still have "
                        f"{open_tasks} follow-ups to call; pass --force to replace it (they are "
                        "still called, no new ones are made)",
                    )
                )
            count, open_tasks = followup_rules_retire(codes=rules)
            replaced = {
                "from": current.code,
                "followup_rules": count,
                "care_rules": care_rules_retire(codes=care),
                "open_followups": open_tasks,
            }
        preset, _ = Preset.objects.update_or_create(
            code=code, defaults={"label": config["label"], "config": config}
        )
        preset_apply_customer_data(config=config)
        preset_apply_ticket_data(config=config)
        preset_apply_complaint_data(config=config)
        preset_apply_followup_data(config=config, switching=switching)
        preset_apply_care_data(config=config, switching=switching)
        phrases_seed()  # the default forbidden phrases, unless the center has its own list
        form_seed()  # the seed's QA evaluation form, unless the center has one
        shifts_seed()  # 早班, 中班, 晚班, unless the center has its shifts
        rules_seed()  # the automatic QA rules of transcripts, unless the center has its own
        point_rules_seed()  # seed 004's performance points, unless the center has its own
        scheduled_seed()  # the daily, weekly and monthly reports (recipients set in the admin)
        churn_rules_seed(code)  # when a customer counts as lost, and the win-back call
        sales_scripts_seed()  # telemarketing, renewal and invitation scripts
        member_levels_seed(code)  # the club's levels, benefits and points
        activity_followup_seed()  # the satisfaction call after an activity
        setting = center_settings()
        setting.preset = preset
        setting.save(update_fields=["preset"])
    setattr(preset, "replaced", replaced)  # noqa: B010 - what the command reports
    return preset
