"""Validation and normalisation of Chinese personal and vehicle identifiers.

Each function returns the normalised value or raises ValidationFailed naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin
from stdnum.cn import ric

from kefu.core.errors import invalid
from kefu.core.inputs import plain

_SEPARATORS = re.compile(r"[\s\-()（）.·]")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2-3 digits, then a 7-8 digit number; 400/800 service numbers have 10 digits.
LANDLINE_RE = re.compile(r"^0\d{2,3}[2-9]\d{6,7}$")
SERVICE_RE = re.compile(r"^[48]00\d{7}$")


@dataclass(frozen=True)
class Phone:
    number: str
    kind: str  # mobile | landline

    @property
    def last4(self) -> str:
        return self.number[-4:]


_PHONE_LIST = re.compile(r"[;,；，、/\n]+")


def split_phones(text: str) -> list[str]:
    """Numbers typed in one box: commas, semicolons, 、 or / separate them; spaces separate
    them only when every part is a whole number (so "138 0000 1234" stays one number)."""
    out: list[str] = []
    for piece in _PHONE_LIST.split(text):
        parts = piece.split()
        if len(parts) > 1 and all(len(re.sub(r"\D", "", p)) >= 7 for p in parts):
            out.extend(parts)
        elif piece.strip():
            out.append(piece.strip())
    return out


def normalize_phone(raw: str, *, field: str = "phones") -> Phone:
    value = _SEPARATORS.sub("", plain(str(raw or "")))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if MOBILE_RE.match(value):
        return Phone(value, "mobile")
    if LANDLINE_RE.match(value) or SERVICE_RE.match(value):
        return Phone(value, "landline")
    raise invalid(
        field,
        "invalid_phone",
        f"电话号码无效：{raw}（手机号 11 位，座机需带区号，如 010-12345678）",
        f"Invalid phone number: {raw} (mobile: 11 digits; landline with area code,"
        " e.g. 010-12345678)",
    )


@dataclass(frozen=True)
class IdNumber:
    number: str
    birthday: dt.date
    gender: str  # male | female


def _id_valid(value: str) -> bool:
    """Length, digits, check digit (GB 11643) and a real birth date. The region part is not
    checked against a table: districts are renamed and merged, old numbers stay valid."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    if ric.calc_check_digit(value) != value[17]:
        return False
    try:
        born = ric.get_birth_date(value)
    except Exception:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def normalize_id_number(raw: str, *, field: str = "id_number") -> IdNumber:
    value = re.sub(r"\s", "", str(raw or "")).upper()
    if not _id_valid(value):
        raise invalid(
            field,
            "invalid_id_number",
            f"身份证号无效：{raw}（须为 18 位且校验位正确）",
            f"Invalid ID number: {raw} (18 characters with a valid check digit)",
        )
    gender = "male" if int(value[16]) % 2 else "female"
    return IdNumber(value, ric.get_birth_date(value), gender)


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


@dataclass(frozen=True)
class Vin:
    vin: str
    warning: str | None = (
        None  # set when the check digit is wrong but the region does not require it
    )


def normalize_vin(raw: str, *, field: str = "vin") -> Vin:
    """ISO 3779 VIN. The 9th-character check digit is mandatory for North America (WMI 1–5)
    and mainland China (WMI L, GB 16735); elsewhere (e.g. European imports) a wrong check
    digit is kept with a warning, because those makers are not bound to it."""
    value = re.sub(r"[\s\-]", "", str(raw or "")).upper()
    if not VIN_RE.match(value):
        raise invalid(
            field,
            "invalid_vin",
            f"车架号无效：{raw}（17 位字母数字，不含 I、O、Q）",
            f"Invalid VIN: {raw} (17 letters/digits, no I, O or Q)",
        )
    if vin_check_digit(value) != value[8]:
        if value[0] in "12345L":
            raise invalid(
                field,
                "invalid_vin_check_digit",
                f"车架号校验位错误：{raw}",
                f"VIN check digit is wrong: {raw}",
            )
        return Vin(
            value,
            "车架号第 9 位不是校验位（非北美/中国车型，已保留）"
            " / 9th VIN character is not a check digit (kept)",
        )
    return Vin(value)


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"
PLATE_RE = re.compile(
    rf"^[{PROVINCES}][{_L}]("
    rf"[{_L}0-9]{{4}}[{_L}0-9挂学警港澳]"  # ordinary 7-character plate
    rf"|[DF][{_L}0-9]\d{{4}}"  # new-energy small car: D (electric) / F (hybrid) first
    rf"|\d{{5}}[DF]"  # new-energy large vehicle: D/F last
    r")$"
)


def normalize_plate(raw: str, *, field: str = "plate") -> str:
    value = re.sub(r"[\s\-.·•]", "", str(raw or "")).upper()
    if not PLATE_RE.match(value):
        raise invalid(
            field,
            "invalid_plate",
            f"车牌号无效：{raw}（如 京A12345，新能源 粤BD12345）",
            f"Invalid plate: {raw} (e.g. 京A12345; new-energy 粤BD12345)",
        )
    return value


# Surnames whose reading differs from the character's common reading (单 is shàn as a surname).
SURNAME_READINGS = {
    "万俟": ["mo", "qi"],
    "尉迟": ["yu", "chi"],
    "单": ["shan"],
    "曾": ["zeng"],
    "区": ["ou"],
    "仇": ["qiu"],
    "查": ["zha"],
    "解": ["xie"],
    "朴": ["piao"],
    "乐": ["yue"],
    "盖": ["ge"],
    "缪": ["miao"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "召": ["shao"],
    "员": ["yun"],
    "秘": ["bi"],
    "长孙": ["zhang", "sun"],
    "重": ["chong"],
    "种": ["chong"],
    "隗": ["wei"],
    "黑": ["he"],
}


def name_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, lower-case ASCII: 张三 → ("zhangsan", "zs")."""
    name = name.strip()
    head: list[str] = []
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_READINGS and len(name) > len(surname):
            head, name = SURNAME_READINGS[surname], name[len(surname) :]
            break
    pieces = head + lazy_pinyin(name, style=Style.NORMAL, errors="default")
    # Latin parts ("Tom Li") stay as words; digits and punctuation are dropped.
    syllables = [w for p in pieces for w in re.split(r"[^a-z]+", p.lower()) if w]
    return "".join(syllables), "".join(s[0] for s in syllables)


def mask_phone(number: str) -> str:
    if len(number) == 11 and number.startswith("1"):
        return f"{number[:3]}****{number[-4:]}"
    if len(number) > 7:
        return f"{number[:-8]}****{number[-4:]}" if len(number) > 8 else f"****{number[-4:]}"
    return "****" + number[-2:]


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if value else ""


def mask_email(value: str) -> str:
    user, _, domain = value.partition("@")
    return f"{user[:1]}***@{domain}" if domain else ""


def mask_address(value: str) -> str:
    return f"{value[:6]}****" if len(value) > 6 else ("****" if value else "")
