"""/api/v1/care: the message log, a day's care run by hand, sending now, letters to print
(R-6)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from kefu.accounts import permissions as P
from kefu.accounts.permissions import require
from kefu.care import inbound, surveys
from kefu.care import selectors as care_sel
from kefu.care import services as svc
from kefu.care.models import Message
from kefu.core.api import ERRORS, Id
from kefu.customers.inputs import parse_date
from kefu.customers.validation import mask_address, mask_email, mask_phone

router = Router(tags=["care 关怀提醒"])


class MessageOut(Schema):
    id: int
    key: str
    customer_id: int
    customer_number: str
    rule: str | None
    channel: str
    to: str
    subject: str
    body: str
    scheduled_for: dt.datetime
    status: str
    skip_reason: str
    provider: str
    provider_id: str
    attempts: int
    error: str
    sent_at: dt.datetime | None


class DayIn(Schema):
    date: str | None = None


def _masked_to(m: Message) -> str:
    if not m.to:
        return ""
    return {"sms": mask_phone, "email": mask_email, "letter": mask_address}.get(m.channel, str)(
        m.to
    )


@router.get("/messages", response={200: list[MessageOut], **ERRORS}, summary="Message log 消息记录")
def messages(
    request: HttpRequest,
    customer: Id | None = None,
    status: str = "",
    channel: str = "",
    date: str = "",
    limit: int = Query(200, ge=1, le=1000),
):
    """Every greeting, reminder and notice with its outcome (R-6.4), newest first."""
    qs = care_sel.messages(
        user=request.user,
        customer_id=customer,
        status=status,
        channel=channel,
        day=parse_date(date, field="date") if date else None,
    )
    return [
        {
            **{k: getattr(m, k) for k in MessageOut.model_fields if hasattr(m, k)},
            "customer_number": m.customer.number,
            "rule": m.rule.code if m.rule_id else None,
            "to": _masked_to(m),
        }
        for m in qs[:limit]
    ]


@router.post("/run", response={200: dict, **ERRORS}, summary="Run a day's care 执行当日关怀")
def run(request: HttpRequest, body: DayIn):
    """Make a day's birthday and holiday greetings and service reminders now (team leads;
    the scheduler does this every day; rerunning adds nothing)."""
    require(request.user, P.MANAGE_TASKS)
    day = parse_date(body.date, field="date") if body.date else timezone.localdate()
    return {"date": day, "messages": svc.care_run(day)}


@router.post("/send", response={200: dict, **ERRORS}, summary="Send due messages 立即发送")
def send(request: HttpRequest):
    """Send what is due now (the scheduler does this every minute)."""
    require(request.user, P.MANAGE_TASKS)
    return svc.messages_send()


@router.post("/letters/print", response={200: None, **ERRORS}, summary="Letters to print 打印信函")
def letters(request: HttpRequest, body: DayIn):
    """Letters and cards due by `date` as CSV (UTF-8 with BOM) to print and post; they are
    logged as sent."""
    day = parse_date(body.date, field="date") if body.date else timezone.localdate()
    data, count = svc.letters_print(actor=request.user, day=day)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="letters-{day}.csv"'
    response["X-Kefu-Count"] = str(count)
    return response


# ---- SMS replies and surveys (R-9.4) ----------------------------------------------------

sms_router = Router(tags=["sms 短信回复"])


@sms_router.post(
    "/replies/{provider}/{token}",
    auth=None,
    response={200: dict, **ERRORS},
    summary="Provider reply callback 短信上行回调",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": ["array", "object"]}}},
        }
    },
)
def sms_replies(request: HttpRequest, provider: Literal["aliyun", "tencent"], token: str):
    """Where Aliyun (短信上行 HTTP batch push: a JSON array of `phone_number`, `content`,
    `send_time`, `sequence_id` …) and Tencent Cloud (短信回复回调: `mobile`, `text`, `time`
    …) post customers' replies. The address carries the center's `KEFU_SMS_REPLY_TOKEN`
    (403 otherwise; wrong guesses are limited per address like API tokens). At most 256 KB
    and 1,000 replies a call; a bad reply refuses the call by its place (422), nothing
    taken. Each reply is recorded once (a push repeated changes nothing) and acted on: a
    survey score, an opt-out, an activity registration, or kept unmatched. Answers in the
    provider's own form: Aliyun `{"code": 0, "msg": "接收成功"}`, Tencent `{"result": 0,
    "errmsg": "OK"}`."""
    inbound.token_check(token, request.META.get("REMOTE_ADDR", ""))
    surveys.replies_receive(inbound.parse(provider, request.body))
    return inbound.ANSWERS[provider][0]


class ReplyOut(Schema):
    id: int
    provider: str
    phone: str
    text: str
    received_at: dt.datetime
    outcome: str
    detail: str
    customer_id: int | None
    customer_number: str | None
    followup_id: int | None
    score: int | None


@router.get("/replies", response={200: list[ReplyOut], **ERRORS}, summary="SMS replies 短信回复")
def replies(
    request: HttpRequest,
    outcome: str = "",
    limit: int = Query(100, ge=1, le=1000),
):
    """Customers' SMS replies, newest first, with what each was taken as (`survey`,
    `opt_out`, `handled`, `unmatched`); team leads and above; numbers masked (R-0.5)."""
    return [
        {
            **{k: getattr(r, k) for k in ("id", "provider", "text", "received_at", "outcome",
                                          "detail", "customer_id")},
            "phone": mask_phone(r.phone),
            "customer_number": r.customer.number if r.customer_id else None,
            "followup_id": r.survey.followup_id if r.survey_id else None,
            "score": r.survey.score if r.survey_id else None,
        }
        for r in care_sel.replies(user=request.user, outcome=outcome)[:limit]
    ]  # fmt: skip


@router.post("/surveys/run", response={200: dict, **ERRORS}, summary="Send surveys 发送短信调查")
def surveys_run(request: HttpRequest):
    """Expire unanswered surveys (their calls become due) and send the survey SMS the
    active rules ask for, now (team leads; the scheduler does this every hour)."""
    require(request.user, P.MANAGE_TASKS)
    return surveys.surveys_job()
