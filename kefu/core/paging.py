"""One page of a list and how many rows there are in all, for the console's lists."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything else is the first page."""
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def page_of(
    qs: QuerySet[Any],
    *,
    number: int = 1,
    size: int = 50,
    load: Callable[..., list[Any]] | None = None,
) -> Page:
    """The page `number` (past the last one: the last one) of `qs` and the total. `load`
    picks the page's rows (and may annotate just those: the apps' `page` selectors). A first
    page that is not full is the whole list: no count query is needed."""

    def rows_at(number: int) -> list[Any]:
        offset = (number - 1) * size
        return load(qs, limit=size, offset=offset) if load else list(qs[offset : offset + size])

    if number <= 1:
        rows = rows_at(1)
        total = len(rows) if len(rows) < size else qs.count()
        return Page(rows=rows, total=total, number=1, size=size)
    total = qs.count()
    number = min(number, max(1, math.ceil(total / size)))
    return Page(rows=rows_at(number), total=total, number=number, size=size)
