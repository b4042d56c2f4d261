"""Where a logged contact goes next (R-2.3), filled in by the apps that take it over in their
AppConfig.ready(): a complaint call becomes a complaint (complaints app), a repair report a
work order (tickets app). Contacts know neither app; explicit and ordered, no signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kefu.accounts.models import User
    from kefu.core.errors import FieldError
    from kefu.interactions.models import Interaction


class Route(Protocol):
    """Takes the contact over; returns warnings (nothing is raised for a missing setting, the
    contact then stays `pending`). A route that took it sets `routing` to done."""

    def __call__(
        self, *, interaction: Interaction, actor: User, department: str | None
    ) -> list[FieldError]: ...


_routes: dict[str, Route] = {}


def route_register(category: str, route: Route) -> None:
    _routes[category] = route


def route_for(category: str) -> Route | None:
    return _routes.get(category)
