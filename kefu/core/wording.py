"""Service language (R-7.2): what agents write — contact outcomes, callback notes and
results, follow-up notes — is checked for forbidden phrases (服务用语禁忌) when it is saved.
Saving still succeeds; the service returns the warnings (the phrase, why, and what to say
instead) and the finding is kept for the team lead.

The core knows no phrase list: the quality app registers the checker and the keeper in its
AppConfig.ready(); without it nothing is checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kefu.core.errors import FieldError

# check(text) -> [(phrase, instead, reason, phrase_id)]
_checkers: list[Callable[[str], list[tuple[str, str, str, int]]]] = []
# keep(actor=, record=, field=, phrase_id=, phrase=, text=)
_keepers: list[Callable[..., None]] = []


def wording_register(
    check: Callable[[str], list[tuple[str, str, str, int]]], keep: Callable[..., None]
) -> None:
    if check not in _checkers:
        _checkers.append(check)
    if keep not in _keepers:
        _keepers.append(keep)


def wording_warning(field: str, phrase: str, instead: str, reason: str) -> FieldError:
    why = f"（{reason}）" if reason else ""
    better = f"，建议说：{instead}" if instead else ""
    better_en = f"; say instead: {instead}" if instead else ""
    return FieldError(
        field,
        "forbidden_phrase",
        f"“{phrase}”是服务禁忌用语{why}{better}",
        f"“{phrase}” is a forbidden service phrase{better_en}",
    )


def wording_check(fields: dict[str, str | None]) -> list[FieldError]:
    """The warnings for the forbidden phrases in `fields` (field name → text)."""
    out = []
    for field, text in fields.items():
        for check in _checkers:
            for phrase, instead, reason, _id in check(text or ""):
                out.append(wording_warning(field, phrase, instead, reason))
    return out


def wording_keep(*, actor: Any, record: Any, fields: dict[str, str | None]) -> list[FieldError]:
    """Check `fields` of a saved `record` written by `actor`, keep each finding for the team
    lead (in the caller's transaction) and return the warnings."""
    out = []
    for field, text in fields.items():
        for check in _checkers:
            for phrase, instead, reason, phrase_id in check(text or ""):
                out.append(wording_warning(field, phrase, instead, reason))
                for keep in _keepers:
                    keep(actor=actor, record=record, field=field, phrase_id=phrase_id,
                         phrase=phrase, text=text or "")  # fmt: skip
    return out
