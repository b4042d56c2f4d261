"""What other apps plug into the customer archive, filled in their AppConfig.ready():
explicit, no signals. The archive knows no notices; the contacts app, which does, tells the
CS managers when a person is refused more reveals of personal data (R-0.5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_reveal_refused: list[Callable[..., Any]] = []


def reveal_refused_register(listener: Callable[..., Any]) -> None:
    if listener not in _reveal_refused:
        _reveal_refused.append(listener)


def reveal_refused(*, actor: Any, count: int, limit: int) -> None:
    for listener in list(_reveal_refused):
        listener(actor=actor, count=count, limit=limit)
