"""Small input checks every service shares: times, choices and bounded text, each failing
with a FieldError that names the field, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kefu.core.errors import FieldError, ValidationFailed


def parse_when(value, *, field: str) -> dt.datetime:
    """An ISO time; a naive one is read in the center's time zone."""
    when: dt.datetime | None
    if isinstance(value, dt.datetime):
        when = value
    else:
        when = parse_datetime(str(value or "").strip())
        if when is None:
            raise ValidationFailed(
                FieldError(
                    field,
                    "invalid_datetime",
                    f"{field} 时间无效：{value}（如 2026-11-22T09:30:00+08:00）",
                    f"Invalid time in {field}: {value}",
                )
            )
    when = when if timezone.is_aware(when) else timezone.make_aware(when)
    year_in_range(when.year, field=field, value=value)
    return when


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a date outside is a typing error, on every database


def date_value(value, field: str, errors: list[FieldError]) -> dt.date | None:
    """A day given as YYYY-MM-DD (a date as is) within the years the center accepts; a
    wrong one is added to `errors` naming `field`. Empty is None."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            errors.append(FieldError(field, "invalid_date", f"{field} 日期格式应为 YYYY-MM-DD",
                                     f"{field} is a date YYYY-MM-DD"))  # fmt: skip
            return None
    try:
        year_in_range(day.year, field=field, value=value)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None
    return day


def year_in_range(year: int, *, field: str, value) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            FieldError(
                field,
                "out_of_range",
                f"{field} 日期超出范围：{value}（{FIRST_YEAR}–{LAST_YEAR} 年）",
                f"{field} is out of range: {value} (years {FIRST_YEAR}–{LAST_YEAR})",
            )
        )


def choice_error(field: str, value, values) -> FieldError:
    return FieldError(
        field,
        f"invalid_{field}",
        f"{field} 无效：{value}（可选：{'、'.join(values)}）",
        f"Invalid {field}: {value} (one of {', '.join(values)})",
    )


MULTILINE_FROM = 200  # texts allowed more than this many characters may span lines


def control_error(field: str, value: str, *, multiline: bool) -> FieldError | None:
    """A control character (NUL, BEL, ESC …) in typed text: refused, the same on every
    database (PostgreSQL cannot store NUL; XLSX cannot hold most of them). A newline and a
    tab are text in a multi-line field."""
    allowed = "\n\t\r" if multiline else ""
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            return FieldError(
                field,
                "control_character",
                f"{field} 含有不可见的控制字符（U+{ord(ch):04X}），请删除后重试",
                f"{field} holds an invisible control character (U+{ord(ch):04X}); remove it",
            )
    return None


def text_value(data: dict, field: str, limit: int, errors: list[FieldError]) -> str:
    """`data[field]` stripped; too long is an error, never silently cut; control characters
    are refused (newlines and tabs allowed in multi-line fields)."""
    value = str(data.get(field) or "").strip()
    bad = control_error(field, value, multiline=limit > MULTILINE_FROM)
    if bad is not None:
        errors.append(bad)
    if len(value) > limit:
        errors.append(
            FieldError(
                field,
                "too_long",
                f"{field} 不能超过 {limit} 个字符",
                f"{field} is longer than {limit} characters",
            )
        )
    return value


def int_value(
    data: dict, field: str, errors: list[FieldError], *, low: int, high: int,
    default: int | None = None,
) -> int:  # fmt: skip
    """A whole number from `low` to `high`; missing: `default`, or required when there is
    none. A wrong one is an error naming the field (returned as `low - 1`)."""
    raw = data.get(field)
    if raw in (None, ""):
        if default is None:
            errors.append(FieldError(field, "required", f"请填写 {field}", f"{field} is required"))
            return low - 1
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = low - 1
    if not low <= value <= high:
        errors.append(FieldError(field, "out_of_range", f"{field} 须在 {low}–{high} 之间",
                                 f"{field} must be {low}–{high}"))  # fmt: skip
        return low - 1
    return value


def int_or(value: object, fallback: int = 0) -> int:
    """`value` as a whole number (an id from a form or a sheet), else `fallback`."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return fallback


def amount_value(data: dict, field: str, errors: list[FieldError], *, positive=False) -> Decimal:
    """A yuan amount with at most two decimals, not negative (or > 0 with `positive`)."""
    raw = data.get(field)
    try:
        amount = Decimal(str(raw if raw not in (None, "") else 0))
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or (positive and amount == 0)
        or amount != amount.quantize(Decimal("0.01"))
        or amount >= Decimal("10000000000")
    ):
        errors.append(
            FieldError(
                field,
                "invalid_amount",
                f"{field} 金额无效：{raw}（元，最多两位小数{'，须大于 0' if positive else ''}）",
                f"Invalid amount in {field}: {raw} (yuan, two decimals at most"
                f"{', above 0' if positive else ''})",
            )
        )
        return Decimal(0)
    return amount


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def plain(text: str) -> str:
    """What a person meant to type: full-width digits and letters as ASCII (NFKC), and the
    zero-width characters that copying from chat apps and web pages leaves behind removed."""
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))


def page_english() -> bool:
    """The page (or the API caller) asked for English; Chinese otherwise (R-0.1)."""
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def in_language(pair: tuple[str, str]) -> str:
    """The half of a (Chinese, English) pair in the page's language."""
    return pair[1] if page_english() else pair[0]


def choice_label(label: object) -> str:
    """A bilingual choice label ("判断 judgment") → the half in the page's language."""
    return in_language(label_halves(label))


def label_halves(label: object) -> tuple[str, str]:
    """("判断", "judgment") from a choice label in both languages ("判断 judgment"); the
    Chinese again when the label has no English half."""
    zh, _, en = str(label).partition(" ")
    return zh, en or zh
