"""The complaint loop as a state machine (R-4.1), declared once. `stage` is the stage being
worked; an advance completes it with its record and enters the next one.

`STEPS` is the one table of what each transition records: the service validates against it
(`clean`), the API's advance endpoint documents it (`describe`) and the console renders its
forms from it. Rules that need the database beyond a lookup (an approved proposal before
实施, compensation within it) stay in the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.complaints.choices import ComplaintClass, Outcome
from kefu.complaints.choices import Stage as S
from kefu.core.errors import FieldError

TEXT = 5000  # every free text of a stage record


@dataclass(frozen=True)
class Field:
    """One thing a step records. `kind`: text (multi-line), line (one line), days (whole
    number of days), bool (a yes/no the person must state), confirm (a fact that must
    hold, e.g. the customer accepted), department (a department
    code), complaint_class (one of ComplaintClass), user (a username), records (a list of
    penalty or compensation records, checked by the service)."""

    name: str
    kind: str
    label: str
    label_en: str
    required: bool = True
    # kind "confirm": a box that must be ticked; its refusal (code, 中文, English)
    refusal: tuple[str, str, str] = ("", "", "")
    max_length: int = TEXT
    minimum: int = 1
    maximum: int = 90

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(ComplaintClass.choices) if self.kind == "complaint_class" else []


@dataclass(frozen=True)
class Step:
    to: str
    fields: tuple[Field, ...] = ()
    back: bool = False  # a step back or a reopening: says why


REASON = Field("reason", "text", "原因", "reason")
NOTE = Field("note", "text", "备注", "note", required=False)

STEPS: dict[str, dict[str, Step]] = {
    # valid: the responsible department, and how long the customer was told to wait
    S.JUDGMENT: {
        S.INVESTIGATION: Step(
            S.INVESTIGATION,
            (
                Field("department", "department", "责任部门", "responsible department"),
                Field("promised_days", "days", "告知顾客的调查天数", "days promised to customer"),
                Field("demand_reasonable", "bool", "顾客要求合理", "the demand is reasonable"),
                NOTE,
            ),
        ),
        # invalid: closed here with the tactful explanation given to the customer
        S.CLOSED: Step(
            S.CLOSED,
            (Field("explanation", "text", "对顾客的解释（无效投诉）", "explanation (invalid)"),),
        ),
    },
    S.INVESTIGATION: {
        S.SOLUTION: Step(
            S.SOLUTION,
            (
                Field("root_cause", "text", "原因", "root cause"),
                Field("responsible_person", "line", "责任人", "responsible person", max_length=64),
                Field("complaint_class", "complaint_class", "投诉类别", "complaint class"),
                Field("responsible_user", "user", "责任人账号", "responsible user", required=False),
                NOTE,
            ),
        ),
        S.JUDGMENT: Step(S.JUDGMENT, (REASON,), back=True),  # wrong department: judge again
    },
    # entering 实施 needs one proposal approved by a supervisor (checked by the service)
    S.SOLUTION: {
        S.IMPLEMENTATION: Step(S.IMPLEMENTATION, (NOTE,)),
        S.INVESTIGATION: Step(S.INVESTIGATION, (REASON,), back=True),
    },
    S.IMPLEMENTATION: {
        S.REVIEW: Step(
            S.REVIEW,
            (
                Field(
                    "customer_accepted",
                    "confirm",
                    "顾客已确认接受",
                    "customer accepted",
                    refusal=(
                        "not_accepted",
                        "顾客尚未确认接受处理结果，不能结束实施",
                        "The customer's acceptance is not recorded (customer_accepted: true)",
                    ),
                ),
                Field("acceptance", "text", "顾客确认记录", "customer's confirmation"),
                Field("penalties", "records", "处罚", "penalties", required=False),
                Field("compensations", "records", "补偿", "compensations", required=False),
                NOTE,
            ),
        ),
        # the customer did not accept: a new proposal
        S.SOLUTION: Step(S.SOLUTION, (REASON,), back=True),
    },
    S.REVIEW: {
        S.CLOSED: Step(
            S.CLOSED,
            (
                Field("evaluation", "text", "评价", "evaluation"),
                Field("improvement", "text", "改进措施", "improvement"),
                NOTE,
            ),
        )
    },
    # reopening (R-4.2: a dissatisfied follow-up, or the customer comes back)
    S.CLOSED: {
        S.INVESTIGATION: Step(S.INVESTIGATION, (REASON,), back=True),
        S.JUDGMENT: Step(S.JUDGMENT, (REASON,), back=True),
    },
}
OPEN = (S.JUDGMENT, S.INVESTIGATION, S.SOLUTION, S.IMPLEMENTATION, S.REVIEW)
# Stages a department handler may complete for their department's complaints.
DEPARTMENT_STAGES = (S.INVESTIGATION, S.SOLUTION, S.IMPLEMENTATION)
# The stages in their order, as the console's stepper shows them.
ORDER = (S.INTAKE, S.JUDGMENT, S.INVESTIGATION, S.SOLUTION, S.IMPLEMENTATION, S.REVIEW, S.CLOSED)
# Every field any step records, by name: the labels of a stage record shown to people.
FIELDS: dict[str, Field] = {
    f.name: f for steps in STEPS.values() for step in steps.values() for f in step.fields
}


# A stage record also holds what intake and the service write: their labels, both languages.
RECORD_LABELS: dict[str, tuple[str, str]] = {
    "complainant": ("投诉人", "complainant"),
    "channel": ("渠道", "channel"),
    "content": ("内容", "content"),
    "demand": ("顾客要求", "demand"),
    "valid": ("有效投诉", "valid complaint"),
    "proposal": ("方案", "proposal"),
    **{name: (f.label, f.label_en) for name, f in FIELDS.items()},
}


def allowed(stage: str, outcome: str = "") -> list[str]:
    """Where a complaint may go from `stage`; an invalid complaint reopens to 判断 only."""
    targets = list(STEPS.get(stage, {}))
    if stage == S.CLOSED and outcome == Outcome.INVALID:
        targets = [S.JUDGMENT]
    return targets


def step(stage: str, to: str, outcome: str = "") -> Step | None:
    """The step from `stage` to `to`, or None when it is not allowed."""
    if to not in allowed(stage, outcome):
        return None
    return STEPS[stage][to]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


TEXT_KINDS = ("text", "line", "department", "user")


def _refusal(f: Field, value: Any) -> tuple[str, str, str] | None:
    """Why `value` is not what field `f` takes, as (code, 中文, English); None if it is."""
    if f.kind in TEXT_KINDS:
        if len(value) <= f.max_length:
            return None
        return (
            "too_long",
            f"「{f.label}」不能超过 {f.max_length} 个字符（现 {len(value)}）",
            f"{f.name} is longer than {f.max_length} characters ({len(value)})",
        )
    if f.kind == "days":
        if isinstance(value, int) and not isinstance(value, bool):
            if f.minimum <= value <= f.maximum:
                return None
        return (
            "invalid_days",
            f"「{f.label}」应为 {f.minimum}–{f.maximum} 的整数",
            f"{f.name} must be a whole number from {f.minimum} to {f.maximum}",
        )
    if f.kind == "bool":
        if isinstance(value, bool):
            return None
        return ("required", f"请判断「{f.label}」（true/false）", f"{f.name} must be true or false")
    if f.kind == "complaint_class":
        if value in ComplaintClass.values:
            return None
        known = ComplaintClass.values
        return (
            f"invalid_{f.name}",
            f"「{f.label}」无效：{value}（可选：{'、'.join(known)}）",
            f"Invalid {f.name}: {value} (one of {', '.join(known)})",
        )
    if f.kind == "records":
        if isinstance(value, list):
            return None
        return ("invalid", f"「{f.label}」应为列表", f"{f.name} is a list")
    raise ValueError(f"unknown field kind {f.kind}")  # a kind the table does not declare


def clean(step: Step, data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The step's fields from `data`, checked by kind: required ones present, texts within
    their length (refused, never cut), days in range, yes/no as booleans, a class from the
    list. Lookups (department, user) and the records are left to the service."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for f in step.fields:
        value: Any
        raw = data.get(f.name)
        if f.kind == "confirm":
            if raw is not True:
                errors.append(FieldError(f.name, *f.refusal))
            else:
                values[f.name] = True
            continue
        if _blank(raw) or (f.kind == "records" and raw == []):
            if f.required:
                errors.append(
                    FieldError(
                        f.name,
                        "required",
                        f"该步骤需要填写「{f.label}」（{f.name}）",
                        f"{f.name} ({f.label_en}) is required for this step",
                    )
                )
            continue
        value = str(raw).strip() if f.kind in TEXT_KINDS else raw
        refusal = _refusal(f, value)
        if refusal is not None:
            errors.append(FieldError(f.name, *refusal))
            continue
        values[f.name] = value
    return values, errors


def describe() -> str:
    """The table in words, for the API's advance endpoint (OpenAPI description)."""
    lines = [
        "R-4.1: complete the current stage and enter `to`. What each step records (* required):",
        "",
    ]
    for stage, steps in STEPS.items():
        for to, st in steps.items():
            fields = ", ".join(
                f"`{f.name}`{'*' if f.required else ''} ({f.kind})" for f in st.fields
            )
            lines.append(f"- {stage} → {to}: {fields or '—'}")
    lines += [
        "",
        "solution → implementation needs an approved proposal; review → closed schedules "
        "the follow-up 2–3 days later (R-4.2). Send `version` to be told (409) when someone "
        "else changed the complaint first.",
    ]
    return "\n".join(lines)
