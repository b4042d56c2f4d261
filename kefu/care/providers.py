"""SMS providers (R-6.4) behind one small interface. `logging` (the default) only writes the
message to the log; `aliyun` and `tencent` call the providers' documented HTTP APIs with
their request signatures (Aliyun RPC HMAC-SHA1, Tencent Cloud TC3-HMAC-SHA256), using
the standard library only. The idempotency key goes with the request (Aliyun `OutId`,
Tencent `SessionContext`) so a resend after a crash can be matched."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import string
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger("kefu.sms")


@dataclass
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""
    retry: bool = False  # a transient failure worth another attempt


class SmsProvider:
    name = "base"

    def send(self, *, phone: str, text: str, template: str, params: dict, key: str) -> SmsResult:
        raise NotImplementedError


class LoggingSmsProvider(SmsProvider):
    """Writes each message to the `kefu.sms` log: for the embedded center and tests."""

    name = "logging"

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        logger.info("SMS to %s (%s): %s", phone[:3] + "****" + phone[-4:], key, text)
        return SmsResult(ok=True, provider_id=f"log-{key}")


def template_variables(body: str) -> list[str]:
    """The placeholders of a template in order: Tencent's parameters are positional."""
    return [name for _, name, _, _ in string.Formatter().parse(body) if name]


def _http(request: urllib.request.Request, timeout: float = 10) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


def aliyun_percent(value: str) -> str:
    return urllib.parse.quote(str(value), safe="~")


def aliyun_signature(params: dict, secret: str, method: str = "GET") -> str:
    """Aliyun RPC signature v1: HMAC-SHA1 over the sorted, percent-encoded query."""
    query = "&".join(f"{aliyun_percent(k)}={aliyun_percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{aliyun_percent('/')}&{aliyun_percent(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsProvider(SmsProvider):
    """Aliyun 短信服务 SendSms (API version 2017-05-25)."""

    name = "aliyun"

    def __init__(self, *, access_key_id, access_key_secret, sign_name, endpoint):
        self.key_id, self.secret, self.sign_name = access_key_id, access_key_secret, sign_name
        self.endpoint = endpoint

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        query = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": phone,
            "SignName": self.sign_name,
            "TemplateCode": template,
            "TemplateParam": json.dumps(params, ensure_ascii=False),
            "OutId": key,
        }
        query["Signature"] = aliyun_signature(query, self.secret)
        url = f"{self.endpoint}?{urllib.parse.urlencode(query, quote_via=urllib.parse.quote)}"
        try:
            status, body = _http(urllib.request.Request(url, method="GET"))
        except OSError as exc:
            return SmsResult(ok=False, error=f"aliyun: {exc}", retry=True)
        if status == 200 and body.get("Code") == "OK":
            return SmsResult(ok=True, provider_id=body.get("BizId", ""))
        code = body.get("Code", str(status))
        return SmsResult(
            ok=False,
            error=f"aliyun {code}: {body.get('Message', '')}",
            retry=status >= 500 or code in ("isv.BUSINESS_LIMIT_CONTROL", "Throttling"),
        )


def tencent_authorization(
    *, secret_id: str, secret_key: str, host: str, payload: str, timestamp: int
) -> str:
    """Tencent Cloud API 3.0 TC3-HMAC-SHA256 for a JSON POST to `host` (service sms)."""
    day = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:application/json; charset=utf-8\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )
    scope = f"{day}/sms/tc3_request"
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    signing = sign(sign(sign(f"TC3{secret_key}".encode(), day), "sms"), "tc3_request")
    signature = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class TencentSmsProvider(SmsProvider):
    """Tencent Cloud 短信 SendSms (API version 2021-01-11)."""

    name = "tencent"

    def __init__(self, *, secret_id, secret_key, sdk_app_id, sign_name, region, endpoint):
        self.secret_id, self.secret_key = secret_id, secret_key
        self.app_id, self.sign_name, self.region = sdk_app_id, sign_name, region
        self.endpoint = endpoint

    def send(self, *, phone, text, template, params, key) -> SmsResult:
        host = urllib.parse.urlsplit(self.endpoint).netloc
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": template,
                "TemplateParamSet": [str(v) for v in params.values()],
                "SessionContext": key,
            },
            ensure_ascii=False,
        )
        timestamp = int(dt.datetime.now(dt.UTC).timestamp())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": self.region,
            "X-TC-Timestamp": str(timestamp),
            "Authorization": tencent_authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                host=host,
                payload=payload,
                timestamp=timestamp,
            ),
        }
        request = urllib.request.Request(
            self.endpoint, data=payload.encode(), headers=headers, method="POST"
        )
        try:
            status, body = _http(request)
        except OSError as exc:
            return SmsResult(ok=False, error=f"tencent: {exc}", retry=True)
        response = body.get("Response", {})
        if "Error" in response:
            err = response["Error"]
            return SmsResult(
                ok=False,
                error=f"tencent {err.get('Code')}: {err.get('Message')}",
                retry=status >= 500 or "LimitExceeded" in str(err.get("Code")),
            )
        sent = (response.get("SendStatusSet") or [{}])[0]
        if sent.get("Code") == "Ok":
            return SmsResult(ok=True, provider_id=sent.get("SerialNo", ""))
        return SmsResult(ok=False, error=f"tencent {sent.get('Code')}: {sent.get('Message')}")


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
