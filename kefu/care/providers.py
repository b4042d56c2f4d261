"""SMS providers (R-6.4) behind one small interface. `logging` (the default) only writes the
message to the log; `aliyun` and `tencent` go through the providers' own Python SDKs
(`alibabacloud-dysmsapi20170525`, `tencentcloud-sdk-python-sms`), which sign the requests
(Aliyun ACS3-HMAC-SHA256, Tencent Cloud TC3-HMAC-SHA256): no signature code of ours to get
wrong twice. `endpoint` points them at a local fake in the tests. The idempotency key goes
with the request (Aliyun `OutId`, Tencent `SessionContext`) so a resend after a crash can be
matched. Campaigns go in batches: Aliyun `SendBatchSms` (100 numbers, each with its own
variables), Tencent `SendSms` with up to 200 numbers sharing the same variables."""

from __future__ import annotations

import datetime as dt
import json
import logging
import string
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kefu.care.inbound import BEIJING, Reply

logger = logging.getLogger("kefu.sms")
TIMEOUT_MS = 10_000


@dataclass
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""
    retry: bool = False  # a transient failure worth another attempt


@dataclass
class Outgoing:
    """One message for `send_batch`."""

    phone: str
    text: str
    template: str
    params: dict[str, Any]
    key: str


class SmsProvider:
    name = "base"

    def send(self, *, phone: str, text: str, template: str, params: dict, key: str) -> SmsResult:
        raise NotImplementedError

    def send_batch(self, items: list[Outgoing]) -> list[SmsResult]:
        """Each message's outcome, in order; one call each unless the provider batches."""
        return [self.send(phone=i.phone, text=i.text, template=i.template, params=i.params,
                          key=i.key) for i in items]  # fmt: skip

    def pull_replies(self, limit: int = 100) -> list[Reply]:
        """Customers' replies waiting at the provider (those that pull; Aliyun pushes)."""
        return []


class LoggingSmsProvider(SmsProvider):
    """Writes each message to the `kefu.sms` log: for the embedded center and tests."""

    name = "logging"

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        logger.info("SMS to %s (%s): %s", phone[:3] + "****" + phone[-4:], key, text)
        return SmsResult(ok=True, provider_id=f"log-{key}")


def template_variables(body: str) -> list[str]:
    """The placeholders of a template in order: Tencent's parameters are positional."""
    return [name for _, name, _, _ in string.Formatter().parse(body) if name]


def _host(endpoint: str, default_scheme: str = "https") -> tuple[str, str]:
    """("host[:port]", scheme) from "dysmsapi.aliyuncs.com" or "http://127.0.0.1:8123/"."""
    if "://" not in endpoint:
        return endpoint.strip("/"), default_scheme
    parts = urllib.parse.urlsplit(endpoint)
    return parts.netloc, parts.scheme or default_scheme


ALIYUN_RETRY = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling", "ServiceUnavailable")
ALIYUN_BATCH = 100


class AliyunSmsProvider(SmsProvider):
    """Aliyun 短信服务 (API 2017-05-25) through its SDK: SendSms, SendBatchSms."""

    name = "aliyun"

    def __init__(self, *, access_key_id, access_key_secret, sign_name,
                 endpoint="dysmsapi.aliyuncs.com"):  # fmt: skip
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as api_models

        host, scheme = _host(endpoint)
        self.sign_name = sign_name
        self.client = Client(api_models.Config(
            access_key_id=access_key_id, access_key_secret=access_key_secret, endpoint=host,
            protocol=scheme, connect_timeout=TIMEOUT_MS, read_timeout=TIMEOUT_MS))  # fmt: skip

    def _runtime(self) -> Any:
        from darabonba.runtime import RuntimeOptions

        return RuntimeOptions(autoretry=False, connect_timeout=TIMEOUT_MS,
                              read_timeout=TIMEOUT_MS)  # fmt: skip

    def _call(self, fn) -> tuple[Any, SmsResult | None]:
        try:
            body = fn().body
        except Exception as exc:  # the SDK raises its own errors and the network's
            code = str(getattr(exc, "code", "") or type(exc).__name__)
            status = int(getattr(exc, "status_code", 0) or getattr(exc, "statusCode", 0) or 0)
            message = str(getattr(exc, "message", "") or exc)[:200]
            transient = status >= 500 or code in ALIYUN_RETRY or not getattr(exc, "code", "")
            return None, SmsResult(ok=False, error=f"aliyun {code}: {message}", retry=transient)
        if body.code != "OK":
            return None, SmsResult(ok=False, error=f"aliyun {body.code}: {body.message}",
                                   retry=body.code in ALIYUN_RETRY)  # fmt: skip
        return body, None

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        from alibabacloud_dysmsapi20170525 import models as sms

        request = sms.SendSmsRequest(
            phone_numbers=phone, sign_name=self.sign_name, template_code=template,
            template_param=json.dumps(params, ensure_ascii=False), out_id=key)  # fmt: skip
        body, failed = self._call(
            lambda: self.client.send_sms_with_options(request, self._runtime()))  # fmt: skip
        return failed or SmsResult(ok=True, provider_id=body.biz_id or "")

    def send_batch(self, items: list[Outgoing]) -> list[SmsResult]:
        """SendBatchSms: up to 100 numbers of one template, each with its variables; the
        batch's id is each message's provider id."""
        from alibabacloud_dysmsapi20170525 import models as sms

        results: dict[int, SmsResult] = {}
        by_template: dict[str, list[int]] = {}
        for n, item in enumerate(items):
            by_template.setdefault(item.template, []).append(n)
        for template, indexes in by_template.items():
            for start in range(0, len(indexes), ALIYUN_BATCH):
                part = indexes[start : start + ALIYUN_BATCH]
                if len(part) == 1:
                    i = items[part[0]]
                    results[part[0]] = self.send(phone=i.phone, text=i.text, template=i.template,
                                                 params=i.params, key=i.key)  # fmt: skip
                    continue
                request = sms.SendBatchSmsRequest(
                    phone_number_json=json.dumps([items[n].phone for n in part]),
                    sign_name_json=json.dumps([self.sign_name] * len(part), ensure_ascii=False),
                    template_code=template,
                    template_param_json=json.dumps([items[n].params for n in part],
                                                   ensure_ascii=False),
                    out_id=items[part[0]].key)  # fmt: skip
                send = self.client.send_batch_sms_with_options
                body, failed = self._call(lambda r=request, f=send: f(r, self._runtime()))
                for n in part:
                    results[n] = failed or SmsResult(ok=True, provider_id=body.biz_id or "")
        return [results[n] for n in range(len(items))]


TENCENT_BATCH = 200


class TencentSmsProvider(SmsProvider):
    """Tencent Cloud 短信 (API 2021-01-11) through its SDK: SendSms, one number or up to 200
    sharing the same variables."""

    name = "tencent"

    def __init__(self, *, secret_id, secret_key, sdk_app_id, sign_name, region,
                 endpoint="sms.tencentcloudapi.com"):  # fmt: skip
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        host, scheme = _host(endpoint)
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=TIMEOUT_MS // 1000)
        self.client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region,
                                           ClientProfile(httpProfile=http))  # fmt: skip
        self.app_id, self.sign_name = sdk_app_id, sign_name

    def _send(
        self, phones: list[str], template: str, params: dict, key: str
    ) -> dict[str, SmsResult]:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{p}" for p in phones]
        request.SmsSdkAppId, request.SignName = self.app_id, self.sign_name
        request.TemplateId = template
        request.TemplateParamSet = [str(v) for v in params.values()]
        request.SessionContext = key
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = str(exc.get_code() or "")
            failed = SmsResult(ok=False, error=f"tencent {code}: {exc.get_message()}"[:300],
                               retry="LimitExceeded" in code or code.startswith("InternalError")
                               or code in ("ClientNetworkError", "ServerNetworkError"))  # fmt: skip
            return {p: failed for p in phones}
        out = {}
        for status in response.SendStatusSet or []:
            phone = str(status.PhoneNumber or "").removeprefix("+86")
            refused = f"tencent {status.Code}: {status.Message}"
            sent = SmsResult(ok=True, provider_id=status.SerialNo or "")
            out[phone] = sent if status.Code == "Ok" else SmsResult(ok=False, error=refused)
        missing = SmsResult(ok=False, error="tencent: no status for this number", retry=True)
        return {p: out.get(p, missing) for p in phones}

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        return self._send([phone], template, params, key)[phone]

    def pull_replies(self, limit: int = 100) -> list[Reply]:
        """PullSmsReplyStatus (拉取回复状态, enabled in the console): the replies not pulled
        before, at most `limit`; a failure raises (the job shows as failing on /health)."""
        from tencentcloud.sms.v20210111 import models

        request = models.PullSmsReplyStatusRequest()
        request.Limit, request.SmsSdkAppId = limit, self.app_id
        response = self.client.PullSmsReplyStatus(request)
        out = []
        for r in response.PullSmsReplyStatusSet or []:
            raw = str(r.ReplyTime or "")
            if raw.isdigit():
                at = dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
            else:  # "2026-11-24 10:20:00", Beijing time
                at = dt.datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
            phone = str(r.PhoneNumber or r.SubscriberNumber or "")
            out.append(Reply("tencent", "", phone, str(r.ReplyContent or ""), at))
        return out

    def send_batch(self, items: list[Outgoing]) -> list[SmsResult]:
        """Messages of one template and the same variables (a greeting to many) go up to 200
        numbers a request; personal ones one request each."""
        groups: dict[tuple[str, str], list[int]] = {}
        for n, item in enumerate(items):
            shared = json.dumps(item.params, ensure_ascii=False, sort_keys=True)
            groups.setdefault((item.template, shared), []).append(n)
        results: dict[int, SmsResult] = {}
        for (template, _shared), indexes in groups.items():
            for start in range(0, len(indexes), TENCENT_BATCH):
                part = indexes[start : start + TENCENT_BATCH]
                first = items[part[0]]
                said = self._send([items[n].phone for n in part], template, first.params,
                                  first.key)  # fmt: skip
                for n in part:
                    results[n] = said[items[n].phone]
        return [results[n] for n in range(len(items))]


def sms_provider() -> SmsProvider:
    conf: dict[str, Any] = settings.KEFU
    name = conf.get("SMS_PROVIDER", "logging")
    if name == "aliyun":
        return AliyunSmsProvider(sign_name=conf["SMS_SIGN_NAME"], **conf["SMS_ALIYUN"])
    if name == "tencent":
        return TencentSmsProvider(sign_name=conf["SMS_SIGN_NAME"], **conf["SMS_TENCENT"])
    return LoggingSmsProvider()


def notice_relay(notice: Any) -> str:
    """An urgent notice (an L2/L3 escalation) sent on to its person by e-mail and SMS, each
    when configured (settings.KEFU ESCALATION_EMAIL, ESCALATION_SMS_TEMPLATE); registered
    with the notices in apps.py. Returns what happened, kept on the notice."""
    from django.core.mail import send_mail

    conf: dict[str, Any] = settings.KEFU
    user, said = notice.user, []
    if conf.get("ESCALATION_EMAIL") and user.email:
        send_mail(
            subject=f"【客服中心】{notice.text[:60]}",
            message=f"{notice.text}\n\n{notice.link}",
            from_email=None,
            recipient_list=[user.email],
        )
        said.append("email ok")
    template = conf.get("ESCALATION_SMS_TEMPLATE") or ""
    if template and user.mobile:
        sent = sms_provider().send(
            phone=user.mobile,
            text=notice.text,
            template=template,
            params={"text": notice.text[:60]},
            key=f"notice:{notice.pk}",
        )
        said.append("sms ok" if sent.ok else f"sms: {sent.error}"[:80])
    return "; ".join(said)
