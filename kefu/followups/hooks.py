"""What other apps plug into follow-ups, filled in each app's AppConfig.ready(): explicit and
ordered, no Django signals. Follow-ups know no complaint or work order; the apps that do
register here (R-3.3, R-4.2, R-5.4, R-6.3).

- result handlers: a follow-up of kind K answered → the record it checks hears the answer
  (a complaint reopens when unsatisfied, a work order is verified or reopened);
- raisers: an unsatisfied script item raises a work order or a complaint for a department;
- event listeners: a recorded lifecycle event also makes the care app's notices;
- event types: the extra event types other apps act on (care rules' lifecycle notices);
- event checks: what other apps need of an event before it is recorded (a date to time a
  notice by);
- event details: what other apps made of an event, shown with it (the care notices).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kefu.accounts.models import User
    from kefu.followups.models import FollowUp, LifecycleEvent


@dataclass(frozen=True)
class Answer:
    """A follow-up's outcome, as the record it checks hears it."""

    actor: User
    followup: FollowUp
    satisfied: bool
    note: str


class ResultHandler(Protocol):
    def __call__(self, answer: Answer) -> None: ...


class Raiser(Protocol):
    """Makes the record for unsatisfied items; returns it (it must point back at the
    follow-up as its source)."""

    def __call__(self, *, actor: User, followup: FollowUp, department: str, text: str) -> Any: ...


_result_handlers: dict[str, ResultHandler] = {}
_raisers: dict[str, Raiser] = {}
_event_listeners: list[Callable[[LifecycleEvent], Any]] = []
_event_types: list[Callable[[], Iterable[str]]] = []
_event_checks: list[Callable[[dict[str, Any]], list[Any]]] = []
_event_details: dict[str, Callable[[LifecycleEvent], list[dict[str, Any]]]] = {}


def result_handler_register(kind: str, handler: ResultHandler) -> None:
    _result_handlers[kind] = handler


def raiser_register(kind: str, raiser: Raiser) -> None:
    _raisers[kind] = raiser


def event_listener_register(listener: Callable[[LifecycleEvent], Any]) -> None:
    if listener not in _event_listeners:
        _event_listeners.append(listener)


def event_types_register(provider: Callable[[], Iterable[str]]) -> None:
    if provider not in _event_types:
        _event_types.append(provider)


def event_check_register(check: Callable[[dict[str, Any]], list[Any]]) -> None:
    """A check of an event's values before it is recorded (returns FieldErrors): e.g. the
    care app refuses an event its notices cannot be timed for."""
    if check not in _event_checks:
        _event_checks.append(check)


def event_check(values: dict[str, Any]) -> list[Any]:
    return [e for check in _event_checks for e in check(values)]


def event_details_register(
    name: str, detail: Callable[[LifecycleEvent], list[dict[str, Any]]]
) -> None:
    _event_details[name] = detail


def event_details(event: LifecycleEvent) -> dict[str, list[dict[str, Any]]]:
    return {name: detail(event) for name, detail in _event_details.items()}


def result_handler(kind: str) -> ResultHandler | None:
    return _result_handlers.get(kind)


def raiser(kind: str) -> Raiser | None:
    return _raisers.get(kind)


def event_listeners() -> list[Callable[[LifecycleEvent], Any]]:
    return list(_event_listeners)


def extra_event_types() -> set[str]:
    return {t for provider in _event_types for t in provider()}
