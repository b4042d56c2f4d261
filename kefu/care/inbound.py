"""The providers' SMS reply callbacks (R-9.4), read into one shape. Aliyun (短信上行,
HTTP batch push) posts a JSON array of {phone_number, content, send_time "YYYY-MM-DD
HH:MM:SS" Beijing time, dest_code, sequence_id, sign_name} and wants {"code": 0, "msg":
"接收成功"}; Tencent Cloud (短信回复回调) posts {mobile, nationcode, text, sign, time (Unix
seconds), extend} — one object, or a list — and wants {"result": 0, "errmsg": "OK"}.
Neither provider signs its push: the address itself carries the center's secret
(`KEFU_SMS_REPLY_TOKEN`), checked in constant time, and only HTTPS should reach it.
Each bad reply is refused by its place in the batch, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from kefu.accounts.services import token_guess_failed, token_guesses_check
from kefu.core.errors import FieldError, PermissionDenied, ValidationFailed

BODY_MAX = 256 * 1024  # bytes of one callback: 1,000 replies fit
REPLIES_MAX = 1000  # replies in one callback
BEIJING = ZoneInfo("Asia/Shanghai")
PROVIDERS = ("aliyun", "tencent")
ANSWERS = {
    "aliyun": ({"code": 0, "msg": "接收成功"}, {"code": 1, "msg": "拒收 refused"}),
    "tencent": ({"result": 0, "errmsg": "OK"}, {"result": 1, "errmsg": "refused"}),
}


@dataclass(frozen=True)
class Reply:
    """One customer's SMS as a provider reported it."""

    provider: str
    ident: str  # the provider's own id of the reply, when it gives one
    phone: str
    text: str
    at: dt.datetime


def token_check(token: str, address: str) -> None:
    """The callback's address must carry the center's reply token (none set: callbacks are
    off); wrong guesses count against the address like API tokens do."""
    token_guesses_check(address)
    expected = str(settings.KEFU.get("SMS_REPLY_TOKEN") or "")
    if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
        token_guess_failed(address)
        raise PermissionDenied("短信回复地址无效", "Unknown SMS reply address")


def _bad(n: int, field: str, zh: str, en: str) -> FieldError:
    return FieldError(f"replies[{n}].{field}", "invalid", f"第{n + 1}条回复：{zh}",
                      f"reply {n + 1}: {en}")  # fmt: skip


def _text(n: int, row: dict, field: str, errors: list, limit: int) -> str:
    value = row.get(field)
    if not isinstance(value, str | int) or not str(value).strip():
        errors.append(_bad(n, field, f"缺少 {field}", f"{field} is missing"))
        return ""
    return str(value).strip()[:limit]


def _aliyun_time(n: int, value: Any, errors: list) -> dt.datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S"):
        try:
            return dt.datetime.strptime(str(value), fmt).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    errors.append(_bad(n, "send_time", f"时间格式无效：{str(value)[:30]}",
                       f"send_time is not YYYY-MM-DD HH:MM:SS: {str(value)[:30]}"))  # fmt: skip
    return None


def _tencent_time(n: int, value: Any, errors: list) -> dt.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e11:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    errors.append(_bad(n, "time", "时间应为 Unix 秒数", "time must be Unix seconds"))
    return None


def parse(provider: str, body: bytes) -> list[Reply]:
    """The replies of one callback body; refuses the whole body when any reply is bad (the
    provider pushes it again; nothing is half-taken)."""
    if len(body) > BODY_MAX:
        kb = BODY_MAX // 1024
        raise ValidationFailed(FieldError("body", "too_large", f"回调内容超过 {kb} KB",
                                          f"callback body over {kb} KB"))  # fmt: skip
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(
            FieldError("body", "invalid_json", "回调内容不是 JSON", "callback body is not JSON")
        ) from None
    rows = data if isinstance(data, list) else [data]
    if len(rows) > REPLIES_MAX:
        raise ValidationFailed(FieldError("body", "too_many", f"一次最多 {REPLIES_MAX} 条回复",
                                          f"at most {REPLIES_MAX} replies a callback"))  # fmt: skip
    errors: list[FieldError] = []
    replies = []
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(_bad(n, "", "应为对象", "must be an object"))
            continue
        if provider == "aliyun":
            phone = _text(n, row, "phone_number", errors, 20)
            text = _text(n, row, "content", errors, 500)
            at = _aliyun_time(n, row.get("send_time"), errors)
            ident = str(row.get("sequence_id") or "")[:60]
        else:
            phone = _text(n, row, "mobile", errors, 20)
            text = _text(n, row, "text", errors, 500)
            at = _tencent_time(n, row.get("time"), errors)
            ident = ""
        if phone and text and at:
            replies.append(Reply(provider, ident, phone, text, at))
    if errors:
        raise ValidationFailed(errors[:20])
    return replies
