"""What apps above care plug into the SMS replies (R-9.2, R-9.4), filled in their
AppConfig.ready(): a reply that is neither a survey score nor an opt-out is offered to each
handler in order (an activity's reply code registers its sender); the first that takes it
says what it made of it, in words a lead can read in the reply log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.customers.models import Customer

ReplyHandler = Callable[["Customer", str], "str | None"]
_reply_handlers: list[ReplyHandler] = []


def reply_handler_register(handler: ReplyHandler) -> None:
    if handler not in _reply_handlers:
        _reply_handlers.append(handler)


def reply_handlers() -> list[ReplyHandler]:
    return list(_reply_handlers)
