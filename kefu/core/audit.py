"""Who a change is attributed to in the audit history (R-0.3)."""

from __future__ import annotations

from typing import Any


def audit_as(record: Any, actor: Any, reason: str | None = None) -> None:
    """The next history row django-simple-history writes for `record` names `actor` (and
    why, when given), so API, console and CLI changes are attributed like admin ones."""
    setattr(record, "_history_user", actor)  # noqa: B010 - simple-history reads this name
    if reason is not None:
        setattr(record, "_change_reason", reason)  # noqa: B010
