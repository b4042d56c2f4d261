"""Turning raw customer and asset input (API body, import row, admin form) into clean values.

Every problem is collected, not just the first, so an import row reports all its faults.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from lunar_python import Lunar, Solar

from kefu.core.errors import FieldError, KefuError, ValidationFailed
from kefu.core.inputs import control_error, year_in_range
from kefu.customers import choices as c
from kefu.customers.validation import (
    normalize_id_number,
    normalize_phone,
    normalize_plate,
    normalize_vin,
    split_phones,
)

CUSTOMER_TEXT_LIMITS = {"name": 64, "address": 200, "email": 254, "source": 32, "notes": 10000}


@dataclass
class Cleaned:
    values: dict = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)

    def guard(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KefuError as exc:
            self.errors.extend(exc.errors)
            return None


def _choice(cleaned: Cleaned, name: str, value, enum) -> None:
    if value in (None, ""):
        return
    raw = str(value).strip()
    for option in enum:
        if raw in (option.value, str(option.label)) or raw in str(option.label).split():
            cleaned.values[name] = option.value
            return
    allowed = "、".join(o.value for o in enum)
    cleaned.errors.append(
        FieldError(
            name,
            f"invalid_{name}",
            f"{name} 取值无效：{raw}（可选：{allowed}）",
            f"Invalid {name}: {raw} (allowed: {allowed})",
        )
    )


def parse_date(value, *, field: str) -> dt.date:
    """A date as people write it; years outside 1900–2100 are refused on every database."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        year_in_range(value.year, field=field, value=value)
        return value
    raw = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            day = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        year_in_range(day.year, field=field, value=raw)
        return day
    raise ValidationFailed(
        FieldError(
            field,
            "invalid_date",
            f"{field} 日期无效：{raw}（格式 2024-05-01）",
            f"Invalid date in {field}: {raw} (use 2024-05-01)",
        )
    )


def birthday_key(birthday: dt.date, calendar: str) -> str:
    """The day a birthday is celebrated on, as "MM-DD" (lunar: leap months prefixed "L")."""
    if calendar == c.BirthdayCalendar.LUNAR:
        lunar: Lunar = Solar.fromYmd(birthday.year, birthday.month, birthday.day).getLunar()
        month = lunar.getMonth()
        return f"{'L' if month < 0 else ''}{abs(month):02d}-{lunar.getDay():02d}"
    return birthday.strftime("%m-%d")


def clean_customer(data: dict, *, partial: bool = False, profile_fields=None) -> Cleaned:
    """Validate customer fields. `profile_fields` maps key → ProfileField for `extra`."""
    out = Cleaned()
    v = out.values
    if "name" in data or not partial:
        raw_name = str(data.get("name") or "")
        bad = control_error("name", raw_name.replace("\t", " "), multiline=False)
        name = re.sub(r"\s+", " ", raw_name).strip()
        if bad is not None:
            out.errors.append(bad)
        elif not name:
            out.errors.append(FieldError("name", "required", "姓名必填", "name is required"))
        else:
            v["name"] = name
    for key, limit in CUSTOMER_TEXT_LIMITS.items():
        if key != "name" and key in data and data[key] is not None:
            v[key] = str(data[key]).strip()
            bad = control_error(key, v[key], multiline=key == "notes")
            if bad is not None:
                out.errors.append(bad)
        if len(v.get(key, "")) > limit:
            out.errors.append(
                FieldError(
                    key,
                    "too_long",
                    f"{key} 不能超过 {limit} 个字符",
                    f"{key} is longer than {limit} characters",
                )
            )
    if v.get("email"):
        try:
            validate_email(v["email"])
        except DjangoValidationError:
            out.errors.append(
                FieldError(
                    "email",
                    "invalid_email",
                    f"邮箱地址无效：{v['email']}",
                    f"Invalid e-mail address: {v['email']}",
                )
            )
    if "phones" in data or not partial:
        phones, seen = [], set()
        raw_phones = data.get("phones") or []
        if isinstance(raw_phones, str):
            raw_phones = split_phones(raw_phones)
        for i, raw in enumerate(raw_phones):
            phone = out.guard(normalize_phone, raw, field=f"phones[{i}]")
            if phone and phone.number not in seen:
                seen.add(phone.number)
                phones.append(phone)
        if not phones and not any(e.field.startswith("phones") for e in out.errors):
            out.errors.append(
                FieldError(
                    "phones",
                    "required",
                    "至少需要一个电话号码",
                    "at least one phone number is required",
                )
            )
        v["phones"] = phones
    _choice(out, "gender", data.get("gender"), c.Gender)
    _choice(out, "kind", data.get("kind"), c.CustomerKind)
    _choice(out, "level", data.get("level"), c.Level)
    _choice(out, "birthday_calendar", data.get("birthday_calendar"), c.BirthdayCalendar)
    if data.get("id_number"):
        ident = out.guard(normalize_id_number, data["id_number"])
        if ident:
            v["id_number"] = ident.number
            # The ID number is the better source: it fills birthday and gender when absent,
            # and contradicts them when given otherwise.
            if data.get("gender") and v.get("gender") not in (ident.gender, None, "unknown"):
                out.warnings.append(
                    FieldError(
                        "gender",
                        "gender_mismatch",
                        "性别与身份证号不一致，已按身份证号",
                        "gender differs from the ID number; ID number kept",
                    )
                )
            v["gender"] = ident.gender
            v.setdefault("birthday", ident.birthday)
    elif "id_number" in data:
        v["id_number"] = ""
    if "card_expires_on" in data:
        raw = data.get("card_expires_on")
        v["card_expires_on"] = (
            out.guard(parse_date, raw, field="card_expires_on") if raw not in (None, "") else None
        )
    if data.get("birthday"):
        day = out.guard(parse_date, data["birthday"], field="birthday")
        if day:
            if "id_number" in v and v["id_number"] and day != v["birthday"]:
                out.warnings.append(
                    FieldError(
                        "birthday",
                        "birthday_mismatch",
                        "生日与身份证号不一致",
                        "birthday differs from the ID number",
                    )
                )
            v["birthday"] = day
            if day > dt.date.today():
                out.errors.append(
                    FieldError(
                        "birthday", "future_date", "生日不能晚于今天", "birthday is in the future"
                    )
                )
    if v.get("birthday"):
        v["birthday_key"] = birthday_key(v["birthday"], v.get("birthday_calendar", "solar"))
    for flag in ("sms_opt_out", "phone_opt_out"):
        if flag in data and data[flag] is not None:
            v[flag] = _truthy(data[flag])
    if "tags" in data and data["tags"] is not None:
        tags = data["tags"]
        if isinstance(tags, str):
            tags = re.split(r"[;,；，、]+", tags)
        v["tags"] = sorted({str(t).strip() for t in tags if t and str(t).strip()})
        for tag in v["tags"]:
            if len(tag) > 32:
                out.errors.append(
                    FieldError(
                        "tags",
                        "too_long",
                        f"标签不能超过 32 个字符：{tag}",
                        f"A tag is longer than 32 characters: {tag}",
                    )
                )
    if data.get("extra") and profile_fields is not None:
        v["extra"] = _clean_extra(out, data["extra"], profile_fields)
    return out


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "是", "对", "√")


def _clean_extra(out: Cleaned, extra: dict, profile_fields: dict) -> dict:
    clean: dict[str, Any] = {}
    for key, value in extra.items():
        pf = profile_fields.get(key)
        name = f"extra.{key}"
        if pf is None:
            out.errors.append(
                FieldError(
                    name,
                    "unknown_field",
                    f"未定义的扩展资料字段：{key}",
                    f"Unknown profile field: {key}",
                )
            )
            continue
        if value in (None, ""):
            continue
        if pf.field_type == c.FieldType.NUMBER:
            try:
                clean[key] = float(value) if "." in str(value) else int(value)
            except ValueError:
                out.errors.append(
                    FieldError(
                        name, "invalid_number", f"{pf.label} 须为数字", f"{key} must be a number"
                    )
                )
        elif pf.field_type == c.FieldType.DATE:
            day = out.guard(parse_date, value, field=name)
            if day:
                clean[key] = day.isoformat()
        elif pf.field_type == c.FieldType.BOOL:
            clean[key] = value if isinstance(value, bool) else _truthy(value)
        elif pf.field_type == c.FieldType.CHOICE and pf.options and value not in pf.options:
            out.errors.append(
                FieldError(
                    name,
                    "invalid_choice",
                    f"{pf.label} 取值无效：{value}（可选：{'、'.join(pf.options)}）",
                    f"Invalid {key}: {value}",
                )
            )
        elif len(str(value)) > PROFILE_TEXT:
            out.errors.append(
                FieldError(
                    name,
                    "too_long",
                    f"{pf.label} 最多 {PROFILE_TEXT} 字",
                    f"{key} is at most {PROFILE_TEXT} characters",
                )
            )
        else:
            clean[key] = str(value).strip()
    return clean


PROFILE_TEXT = 500  # characters of one profile answer


ASSET_DATE_FIELDS = (
    "invoiced_on",
    "delivered_on",
    "last_repair_on",
    "next_maintenance_on",
    "inspection_due_on",
    "insurance_expires_on",
    "vehicle_tax_due_on",
    "moved_in_on",
    "deposit_on",
    "contract_on",
    "installed_on",
)
ASSET_TEXT_FIELDS = {
    "reference_no": 40,
    "model": 64,
    "salesperson": 32,
    "building": 32,
    "room": 32,
    "category": 32,
}


def clean_asset(data: dict, *, prefix: str = "") -> Cleaned:
    out = Cleaned()
    v = out.values
    kind = str(data.get("kind") or "").strip()
    if kind not in c.AssetKind.values:
        out.errors.append(
            FieldError(
                f"{prefix}kind",
                "invalid_kind",
                f"资产类型无效：{kind}（vehicle/unit/order）",
                f"Invalid asset kind: {kind} (vehicle, unit, order)",
            )
        )
        return out
    v["kind"] = kind
    for key, limit in ASSET_TEXT_FIELDS.items():
        if data.get(key) not in (None, ""):
            v[key] = str(data[key]).strip()
            if len(v[key]) > limit:
                out.errors.append(
                    FieldError(
                        f"{prefix}{key}",
                        "too_long",
                        f"{key} 不能超过 {limit} 个字符",
                        f"{key} is longer than {limit} characters",
                    )
                )
    for key in ASSET_DATE_FIELDS:
        if data.get(key) not in (None, ""):
            day = out.guard(parse_date, data[key], field=f"{prefix}{key}")
            if day:
                v[key] = day
    if data.get("vin"):
        vin = out.guard(normalize_vin, data["vin"], field=f"{prefix}vin")
        if vin:
            v["vin"], v["vin_last6"] = vin.vin, vin.vin[-6:]
            if vin.warning:
                out.warnings.append(
                    FieldError(
                        f"{prefix}vin",
                        "vin_check_digit",
                        vin.warning.split(" / ")[0],
                        vin.warning.split(" / ")[-1],
                    )
                )
    if data.get("plate"):
        plate = out.guard(normalize_plate, data["plate"], field=f"{prefix}plate")
        if plate:
            v["plate"] = plate
    if (
        kind == c.AssetKind.VEHICLE
        and not (v.get("vin") or v.get("plate"))
        and not any(e.field in (f"{prefix}vin", f"{prefix}plate") for e in out.errors)
    ):
        out.errors.append(
            FieldError(
                f"{prefix}vin",
                "required",
                "车辆需填写车架号或车牌号",
                "a vehicle needs a VIN or a plate",
            )
        )
    if data.get("secondary_outlet") not in (None, ""):
        v["secondary_outlet"] = data["secondary_outlet"] is True or _truthy(
            data["secondary_outlet"]
        )
    if data.get("amount") not in (None, ""):
        try:
            v["amount"] = Decimal(str(data["amount"]).replace(",", ""))
        except InvalidOperation:
            out.errors.append(
                FieldError(
                    f"{prefix}amount",
                    "invalid_amount",
                    f"金额无效：{data['amount']}",
                    f"Invalid amount: {data['amount']}",
                )
            )
    return out
