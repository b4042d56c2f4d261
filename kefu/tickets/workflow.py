"""The work-order state machine (R-3.1): allowed transitions and what each one needs."""

from __future__ import annotations

from kefu.tickets.choices import Status as S

# from → {to: required fields}
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    S.NEW: {S.DISPATCHED: ("assignee",), S.CANCELLED: ("reason",)},
    S.DISPATCHED: {S.IN_PROGRESS: (), S.DISPATCHED: ("assignee",), S.CANCELLED: ("reason",)},
    S.IN_PROGRESS: {S.DONE: ("result",), S.DISPATCHED: ("assignee",)},
    # The department's result returns to CS; a follow-up verifies it or reopens it.
    S.DONE: {S.VERIFIED: (), S.REOPENED: ("reason",)},
    S.REOPENED: {S.IN_PROGRESS: (), S.DISPATCHED: ("assignee",)},
    S.VERIFIED: {},
    S.CANCELLED: {},
}
OPEN = (S.NEW, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED)


def allowed(current: str) -> list[str]:
    return list(TRANSITIONS.get(current, {}))


def required_fields(current: str, to: str) -> tuple[str, ...] | None:
    """The fields a transition needs, or None when it is not allowed."""
    return TRANSITIONS.get(current, {}).get(to)
