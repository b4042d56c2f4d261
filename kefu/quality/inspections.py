"""QA inspection 质检 (R-7.1): each agent's contacts of a month are sampled (1–5 each,
drawn at random but the same draw every time, never a contact twice, topped up when more
contacts come in), an inspector scores each item of the evaluation form with comments, the
agent sees the result and may appeal once with a reason, and a team lead decides the appeal.
Every step is a service: checked, locked, audited (R-0.3), and the next person is told."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_error, label_halves, text_value, year_in_range
from kefu.followups.selectors import period_bounds
from kefu.interactions.choices import Category, Channel, NoticeKind
from kefu.interactions.models import Interaction
from kefu.interactions.notices import notice_send, notices_send
from kefu.quality import choices as ch
from kefu.quality.models import EvaluationForm, EvaluationItem, Inspection, InspectionScore

SAMPLES_MIN, SAMPLES_MAX = 1, 5  # per agent per month

# The seed's evaluation form (seed 000 质检员工作流程): five items, 100 points.
DEFAULT_FORM = (
    "default",
    "服务质量评分表",
    [
        ("服务规范", "服务用语", "使用规范用语，无禁忌用语", 20),
        ("服务规范", "服务态度", "热情、耐心、有礼貌，不与客户争辩", 20),
        ("服务规范", "语气语调", "语气平和，语速适中，吐字清晰", 20),
        ("业务能力", "归纳客户需求的能力", "准确归纳并复述客户需求", 20),
        ("业务能力", "应变能力", "灵活处理异议和突发情况", 20),
    ],
)


def form_seed() -> int:
    """The default form, when the center has none (a preset's load)."""
    if EvaluationForm.objects.exists():
        return 0
    code, name, items = DEFAULT_FORM
    form = EvaluationForm.objects.create(code=code, name=name)
    for order, (section, item, description, points) in enumerate(items):
        EvaluationItem.objects.create(
            form=form, section=section, name=item, description=description, points=points,
            order=order,
        )  # fmt: skip
    return 1


def month_of(value: str | dt.date | None) -> dt.date:
    """The first day of a month given as YYYY-MM (or a date); this month without one."""
    if value is None or value == "":
        return timezone.localdate().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        month = dt.datetime.strptime(str(value)[:7], "%Y-%m").date()
        year_in_range(month.year, field="month", value=value)
        return month
    except ValueError:
        raise ValidationFailed(
            FieldError("month", "invalid_month", f"月份格式应为 YYYY-MM：{value}",
                       f"month is YYYY-MM: {value}")
        ) from None  # fmt: skip


def _month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first, following = period_bounds("month", month)
    return (dt.datetime.combine(first, dt.time(0), tzinfo=tz),
            dt.datetime.combine(following, dt.time(0), tzinfo=tz))  # fmt: skip


@transaction.atomic
def samples_draw(
    *,
    actor: User,
    month: dt.date,
    per_agent: int,
    channels: list[str] | None = None,
    categories: list[str] | None = None,
) -> int:
    """Draw each certified agent's sample of the month's contacts they took: `per_agent`
    each (fewer when an agent has fewer contacts; a later run tops them up), only of the
    given `channels` and `categories` when named. The draw is seeded by month and agent, so
    it is the same whoever runs it; a contact already sampled is never drawn again. Returns
    how many contacts were added."""
    P.require(actor, P.INSPECT)
    bad = [
        choice_error(field, value, allowed.values)
        for field, values, allowed in (("channels", channels, Channel),
                                       ("categories", categories, Category))
        for value in values or []
        if value not in allowed.values
    ]  # fmt: skip
    if bad:
        raise ValidationFailed(bad)
    if not SAMPLES_MIN <= per_agent <= SAMPLES_MAX:
        raise ValidationFailed(
            FieldError("per_agent", "out_of_range",
                       f"每人每月抽检 {SAMPLES_MIN}–{SAMPLES_MAX} 条",
                       f"per_agent is {SAMPLES_MIN} to {SAMPLES_MAX}")
        )  # fmt: skip
    form = EvaluationForm.objects.filter(active=True).order_by("id").first()
    if form is None:
        raise ValidationFailed(
            FieldError("form", "required", "还没有启用的质检评分表", "no active evaluation form")
        )
    start, end = _month_range(month)
    added = 0
    agents = User.objects.filter(role=Role.AGENT, is_active=True, is_certified=True)
    for agent in agents.order_by("id"):
        have = Inspection.objects.filter(agent=agent, month=month, flagged=False).count()
        if have >= per_agent:
            continue
        taken = Interaction.objects.filter(agent=agent, occurred_at__gte=start, occurred_at__lt=end)
        if channels:
            taken = taken.filter(channel__in=channels)
        if categories:
            taken = taken.filter(category__in=categories)
        contacts = list(taken.order_by("id").values_list("id", flat=True))
        random.Random(f"{month:%Y-%m}:{agent.pk}").shuffle(contacts)
        sampled = set(
            Inspection.objects.filter(interaction_id__in=contacts).values_list(
                "interaction_id", flat=True
            )
        )
        for interaction_id in contacts:
            if have >= per_agent:
                break
            if interaction_id in sampled:
                continue
            row = Inspection(agent=agent, interaction_id=interaction_id, month=month, form=form)
            audit_as(row, actor)
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # drawn by a concurrent run: the unique contact keeps it once
            have += 1
            added += 1
    return added


def _locked(inspection_id: int) -> Inspection:
    found = Inspection.objects.select_for_update().filter(pk=inspection_id).first()
    if found is None:
        raise NotFound(f"inspection {inspection_id}")
    return found


def _state(inspection: Inspection, *allowed: str) -> None:
    if inspection.status not in allowed:
        now = label_halves(inspection.get_status_display())[0]
        raise Conflict(
            FieldError(
                "status",
                "wrong_state",
                f"该质检当前为“{now}”，不能进行此操作",
                f"the inspection is {inspection.status}; this step does not apply",
            )
        )


def _points(
    form: EvaluationForm, data: dict[str, Any], errors: list[FieldError]
) -> list[tuple[EvaluationItem, int, str]]:
    """(item, points, comment) for every item of the form, each within its points."""
    given = data.get("scores")
    if not isinstance(given, dict):
        errors.append(FieldError("scores", "required", "请为每一项评分", "score every item"))
        return []
    out = []
    for item in form.items.all():
        entry: Any = given.get(str(item.pk), given.get(item.pk))
        field = f"scores.{item.pk}"
        raw: Any = entry.get("points") if isinstance(entry, dict) else entry
        comment = str(entry.get("comment") or "").strip() if isinstance(entry, dict) else ""
        if len(comment) > 500:
            errors.append(
                FieldError(field, "too_long", f"“{item.name}”的评语不能超过 500 字",
                           f"the comment on “{item.name}” is longer than 500 characters")
            )  # fmt: skip
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= item.points:
            errors.append(
                FieldError(field, "out_of_range",
                           f"“{item.name}”应为 0–{item.points} 分",
                           f"“{item.name}” is 0 to {item.points} points")
            )  # fmt: skip
            continue
        out.append((item, raw, comment))
    return out


@transaction.atomic
def inspection_score(*, actor: User, inspection_id: int, data: dict[str, Any]) -> Inspection:
    """The inspector scores every item (0 to its points) with optional comments; the total
    is the score; the agent is told (R-7.1). Not one's own contact."""
    P.require(actor, P.INSPECT)
    inspection = _locked(inspection_id)
    _state(inspection, ch.InspectionStatus.DUE)
    if inspection.agent_id == actor.pk:
        raise PermissionDenied("不能质检自己的接待记录", "You cannot inspect your own contact")
    errors: list[FieldError] = []
    scored = _points(inspection.form, data, errors)
    comment = text_value(data, "comment", 1000, errors)
    if errors:
        raise ValidationFailed(errors)
    for item, points, note in scored:
        InspectionScore.objects.create(inspection=inspection, item=item, points=points,
                                       comment=note)  # fmt: skip
    inspection.score = sum(points for _item, points, _note in scored)
    inspection.comment, inspection.inspector = comment, actor
    inspection.status, inspection.scored_at = ch.InspectionStatus.SCORED, timezone.now()
    audit_as(inspection, actor)
    inspection.save()
    notice_send(
        kind=NoticeKind.QA,
        user=inspection.agent,
        link=f"/quality/inspections/{inspection.pk}/",
        text=f"您 {inspection.month:%Y-%m} 的抽检结果：{inspection.score} 分"
        f"（满分 {inspection.form.total}）。有异议可申诉一次。",
    )
    return inspection


@transaction.atomic
def inspection_appeal(*, actor: User, inspection_id: int, reason: str) -> Inspection:
    """The inspected agent appeals the score once, saying why; the team leads are told."""
    inspection = _locked(inspection_id)
    if inspection.agent_id != actor.pk:
        raise PermissionDenied("只能对自己的质检结果申诉", "You can appeal only your own result")
    if inspection.appealed_at is not None:
        raise Conflict(
            FieldError("reason", "appealed", "每条质检结果只能申诉一次",
                       "a result can be appealed once")
        )  # fmt: skip
    _state(inspection, ch.InspectionStatus.SCORED)
    errors: list[FieldError] = []
    reason = text_value({"reason": reason}, "reason", 1000, errors)
    if not reason:
        errors.append(FieldError("reason", "required", "请说明申诉理由", "say why you appeal"))
    if errors:
        raise ValidationFailed(errors)
    inspection.appeal_reason, inspection.appealed_at = reason, timezone.now()
    inspection.status = ch.InspectionStatus.APPEALED
    audit_as(inspection, actor)
    inspection.save()
    who = actor.display_name or actor.username
    notices_send(
        kind=NoticeKind.QA,
        users=User.objects.filter(role=Role.TEAM_LEAD, is_active=True),
        link=f"/quality/inspections/{inspection.pk}/",
        text=f"{who} 对 {inspection.score} 分的质检结果提出申诉：{reason[:100]}",
    )
    return inspection


@transaction.atomic
def inspection_decide(
    *, actor: User, inspection_id: int, upheld: bool, note: str, score: int | None = None
) -> Inspection:
    """The team lead decides an appeal: upheld with the corrected score, or rejected with a
    note; the result is then final and the agent and the inspector are told."""
    P.require(actor, P.DECIDE_APPEALS)
    inspection = _locked(inspection_id)
    _state(inspection, ch.InspectionStatus.APPEALED)
    errors: list[FieldError] = []
    note = text_value({"note": note}, "note", 1000, errors)
    if not note:
        errors.append(FieldError("note", "required", "请填写处理意见", "a note is required"))
    total = inspection.form.total
    if upheld and (score is None or not 0 <= score <= total):
        errors.append(
            FieldError("score", "out_of_range", f"申诉成立时请给出更正后的得分（0–{total}）",
                       f"an upheld appeal needs the corrected score (0 to {total})")
        )  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    before = inspection.score
    if upheld and score is not None:
        inspection.score = score
    inspection.decision = ch.AppealDecision.UPHELD if upheld else ch.AppealDecision.REJECTED
    inspection.decision_note, inspection.decided_by = note, actor
    inspection.decided_at, inspection.status = timezone.now(), ch.InspectionStatus.FINAL
    audit_as(
        inspection, actor, reason=f"appeal {inspection.decision}: {before} → {inspection.score}"
    )
    inspection.save()
    verdict = "成立" if upheld else "驳回"
    notices_send(
        kind=NoticeKind.QA,
        users=[inspection.agent, inspection.inspector],
        link=f"/quality/inspections/{inspection.pk}/",
        text=f"质检申诉{verdict}：最终 {inspection.score} 分。{note[:100]}",
    )
    return inspection
