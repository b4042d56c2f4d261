"""The complaint loop as a state machine (R-4.1). `stage` is the stage being worked; an
advance completes it with its record and enters the next one."""

from __future__ import annotations

from kefu.complaints.choices import Outcome
from kefu.complaints.choices import Stage as S

# from → {to: fields the completed stage must record}
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # valid: the responsible department, and how long the customer was told to wait
    S.JUDGMENT: {
        S.INVESTIGATION: ("department", "promised_days", "demand_reasonable"),
        # invalid: closed here with the tactful explanation given to the customer
        S.CLOSED: ("explanation",),
    },
    S.INVESTIGATION: {
        S.SOLUTION: ("root_cause", "responsible_person", "complaint_class"),
        S.JUDGMENT: ("reason",),  # wrong department: judge again
    },
    # entering 实施 needs one proposal approved by a supervisor (checked by the service)
    S.SOLUTION: {S.IMPLEMENTATION: (), S.INVESTIGATION: ("reason",)},
    S.IMPLEMENTATION: {
        S.REVIEW: ("acceptance",),  # the customer's recorded confirmation
        S.SOLUTION: ("reason",),  # the customer did not accept: a new proposal
    },
    S.REVIEW: {S.CLOSED: ("evaluation", "improvement")},
    # reopening (R-4.2: a dissatisfied follow-up, or the customer comes back)
    S.CLOSED: {S.INVESTIGATION: ("reason",), S.JUDGMENT: ("reason",)},
}
OPEN = (S.JUDGMENT, S.INVESTIGATION, S.SOLUTION, S.IMPLEMENTATION, S.REVIEW)
# Stages a department handler may complete for their department's complaints.
DEPARTMENT_STAGES = (S.INVESTIGATION, S.SOLUTION, S.IMPLEMENTATION)


def allowed(stage: str, outcome: str = "") -> list[str]:
    """Where a complaint may go from `stage`; an invalid complaint reopens to 判断 only."""
    targets = list(TRANSITIONS.get(stage, {}))
    if stage == S.CLOSED and outcome == Outcome.INVALID:
        targets = [S.JUDGMENT]
    return targets


def required_fields(stage: str, to: str, outcome: str = "") -> tuple[str, ...] | None:
    """The fields a transition needs, or None when it is not allowed."""
    if to not in allowed(stage, outcome):
        return None
    return TRANSITIONS[stage][to]
