"""SMS providers through their own SDKs against local fake servers that check each
request's signature as Aliyun (V3, ACS3-HMAC-SHA256) and Tencent Cloud (TC3-HMAC-SHA256)
document it — the checks here are written from the documents, the signing is the SDKs', so a
mistake in either fails — and e-mail through a real local SMTP server."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kefu.care.models import InboundSms, Message
from kefu.care.providers import AliyunSmsProvider, Outgoing, TencentSmsProvider
from kefu.care.services import care_run, messages_send
from kefu.care.surveys import replies_pull
from kefu.customers.tests.factories import make_customer
from kefu.setup.services import preset_load

SECRET = "test-secret"
CST = dt.timezone(dt.timedelta(hours=8))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def aliyun_v3_valid(method, path, query, headers, body, key_id, secret) -> bool:
    """Aliyun's V3 request signature (《V3版本请求体&签名机制》): the canonical request —
    method, path, the sorted RFC 3986-encoded query, the signed headers lower-cased with
    their values, their names, the payload's SHA-256 — hashed, then HMAC-SHA256 with the
    secret, hex."""
    algorithm, _, rest = headers.get("authorization", "").partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    signed = parts.get("SignedHeaders", "").split(";")
    if algorithm != "ACS3-HMAC-SHA256" or parts.get("Credential") != key_id:
        return False
    if "host" not in signed or not any(h.startswith("x-acs-") for h in signed):
        return False
    quote = lambda v: urllib.parse.quote(v, safe="~")  # noqa: E731
    canonical_query = "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(query.items()))
    canonical_headers = "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed)
    if headers.get("x-acs-content-sha256") != _sha256(body):
        return False
    canonical = "\n".join([method, path, canonical_query, canonical_headers, ";".join(signed),
                           _sha256(body)])  # fmt: skip
    to_sign = f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def tencent_tc3_valid(headers, payload: bytes, secret_id, secret_key) -> bool:
    """Tencent Cloud API 3.0's TC3-HMAC-SHA256 (《签名方法 v3》) for service sms: the
    canonical request of a POST to /, the signing key derived from the date, the service
    and "tc3_request"."""
    algorithm, _, rest = headers.get("authorization", "").partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    credential = parts.get("Credential", "").split("/")
    if algorithm != "TC3-HMAC-SHA256" or len(credential) != 4 or credential[0] != secret_id:
        return False
    _id, day, service, _end = credential
    signed = parts.get("SignedHeaders", "").split(";")
    canonical_headers = "".join(f"{h}:{headers.get(h, '').strip().lower()}\n" for h in signed)
    canonical = "\n".join(["POST", "/", "", canonical_headers, ";".join(signed),
                           _sha256(payload)])  # fmt: skip
    timestamp = headers.get("x-tc-timestamp", "")
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{day}/{service}/tc3_request",
                         _sha256(canonical.encode())])  # fmt: skip

    def mac(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    signing = mac(mac(mac(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    return service == "sms" and hmac.compare_digest(expected, parts.get("Signature", ""))


class FakeSms(BaseHTTPRequestHandler):
    """Answers like the provider would, after checking the signature."""

    received: list = []
    fail_with: str = ""
    replies: list = []  # what PullSmsReplyStatus hands out next

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if "x-acs-action" in headers:
            return self._aliyun(headers, body)
        return self._tencent(headers, body)

    def _aliyun(self, headers, body):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        query.update(dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)))
        raw_query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if not aliyun_v3_valid("POST", url.path or "/", raw_query, headers, body,
                               "LTAI-test", SECRET):  # fmt: skip
            return self._answer(400, {"Code": "SignatureDoesNotMatch", "Message": "bad",
                                      "RequestId": "r"})  # fmt: skip
        FakeSms.received.append({"Action": headers["x-acs-action"], **query})
        if FakeSms.fail_with:
            return self._answer(200, {"Code": FakeSms.fail_with, "Message": "limited"})
        return self._answer(200, {"Code": "OK", "Message": "OK", "BizId": "biz-1"})

    def _tencent(self, headers, payload):
        if not tencent_tc3_valid(headers, payload, "AKID-test", SECRET):
            refused = {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}
            return self._answer(200, {"Response": {"Error": refused, "RequestId": "r"}})
        body = json.loads(payload)
        FakeSms.received.append({"Action": headers.get("x-tc-action"), **body})
        if headers.get("x-tc-action") == "PullSmsReplyStatus":
            given, FakeSms.replies = (
                FakeSms.replies[: body["Limit"]],
                FakeSms.replies[body["Limit"] :],
            )
            return self._answer(200, {"Response": {"PullSmsReplyStatusSet": given,
                                                   "RequestId": "r-2"}})  # fmt: skip
        statuses = [{"SerialNo": f"serial-{n}", "PhoneNumber": phone, "Code": "Ok",
                     "Message": "send success"}
                    for n, phone in enumerate(body["PhoneNumberSet"], start=9)]  # fmt: skip
        return self._answer(200, {"Response": {"SendStatusSet": statuses, "RequestId": "r-1"}})


@pytest.fixture
def fake_sms():
    FakeSms.received, FakeSms.fail_with, FakeSms.replies = [], "", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSms)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def aliyun(endpoint, secret=SECRET):
    return AliyunSmsProvider(access_key_id="LTAI-test", access_key_secret=secret,
                             sign_name="客服中心", endpoint=endpoint)  # fmt: skip


def tencent(endpoint, secret=SECRET):
    return TencentSmsProvider(secret_id="AKID-test", secret_key=secret, sdk_app_id="1400000000",
                              sign_name="客服中心", region="ap-guangzhou",
                              endpoint=endpoint)  # fmt: skip


def test_aliyun_send_sms_is_signed_and_carries_template_and_key(fake_sms):
    provider = aliyun(fake_sms)
    result = provider.send(
        phone="13800000301", text="…", template="SMS_1001", params={"name": "张三"}, key="k-1"
    )
    assert (result.ok, result.provider_id) == (True, "biz-1"), result.error
    sent = FakeSms.received[0]
    assert (sent["Action"], sent["PhoneNumbers"], sent["TemplateCode"], sent["OutId"]) == (
        "SendSms",
        "13800000301",
        "SMS_1001",
        "k-1",
    )
    assert json.loads(sent["TemplateParam"]) == {"name": "张三"}
    assert sent["SignName"] == "客服中心"
    FakeSms.fail_with = "isv.BUSINESS_LIMIT_CONTROL"
    limited = provider.send(phone="13800000301", text="…", template="T", params={}, key="k-2")
    assert (limited.ok, limited.retry) == (False, True) and "BUSINESS_LIMIT" in limited.error
    wrong = aliyun(fake_sms, secret="nope").send(
        phone="13800000301", text="…", template="T", params={}, key="k-3"
    )
    assert not wrong.ok and "SignatureDoesNotMatch" in wrong.error


def test_aliyun_sends_a_campaign_in_batches_of_a_hundred(fake_sms):
    items = [Outgoing(phone=f"138000{n:05d}", text="…", template="SMS_2002",
                      params={"name": f"客户{n}"}, key=f"c-{n}") for n in range(150)]  # fmt: skip
    results = aliyun(fake_sms).send_batch(items)
    assert all(r.ok for r in results) and len(results) == 150
    assert [r["Action"] for r in FakeSms.received] == ["SendBatchSms", "SendBatchSms"]
    first = FakeSms.received[0]
    assert len(json.loads(first["PhoneNumberJson"])) == 100
    assert json.loads(first["TemplateParamJson"])[3] == {"name": "客户3"}
    assert json.loads(first["SignNameJson"])[0] == "客服中心"


def test_tencent_send_sms_is_tc3_signed_with_ordered_parameters(fake_sms):
    result = tencent(fake_sms).send(
        phone="13800000302",
        text="…",
        template="123456",
        params={"name": "李四", "date": "03月15日"},
        key="k-9",
    )
    assert (result.ok, result.provider_id) == (True, "serial-9"), result.error
    body = FakeSms.received[0]
    assert body["Action"] == "SendSms" and body["PhoneNumberSet"] == ["+8613800000302"]
    assert body["TemplateParamSet"] == ["李四", "03月15日"]
    assert (body["SessionContext"], body["SmsSdkAppId"]) == ("k-9", "1400000000")
    bad = tencent(fake_sms, secret="wrong").send(
        phone="13800000302", text="…", template="1", params={}, key="k"
    )
    assert not bad.ok and "SignatureFailure" in bad.error


def test_tencent_batches_the_same_message_to_many(fake_sms):
    same = [Outgoing(phone=f"139000{n:05d}", text="…", template="777", params={"d": "元旦"},
                     key=f"h-{n}") for n in range(250)]  # fmt: skip
    own = [Outgoing(phone="13700000001", text="…", template="777", params={"d": "春节"},
                    key="h-own")]  # fmt: skip
    results = tencent(fake_sms).send_batch(same + own)
    assert all(r.ok for r in results)
    assert sorted(len(r["PhoneNumberSet"]) for r in FakeSms.received) == [1, 50, 200]


@pytest.mark.django_db
def test_the_configured_provider_sends_the_days_messages(fake_sms, agent, settings):
    preset_load(code="auto")
    settings.KEFU = {
        **settings.KEFU,
        "SMS_PROVIDER": "aliyun",
        "SMS_SIGN_NAME": "客服中心",
        "SMS_ALIYUN": {
            "access_key_id": "LTAI-test",
            "access_key_secret": SECRET,
            "endpoint": fake_sms,
        },
    }
    make_customer(agent, phones=["13800000303"])
    care_run(dt.date(2026, 2, 16))
    messages_send(now=dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST))
    msg = Message.objects.get()
    assert (msg.status, msg.provider, msg.provider_id) == ("sent", "aliyun", "biz-1")
    assert FakeSms.received[0]["OutId"] == msg.key


@pytest.mark.django_db
def test_r_6_4_e_mail_goes_through_a_real_smtp_server(agent, smtp_server):
    from kefu.care.models import CareRule, MessageTemplate

    preset_load(code="auto")
    template = MessageTemplate.objects.create(
        code="birthday-mail",
        name="生日邮件",
        channel="email",
        subject="{name}，生日快乐",
        body="尊敬的{name}{title}：祝您生日快乐！——{center}",
    )
    CareRule.objects.create(
        code="birthday-mail", name="生日邮件", kind="birthday", days_before=7, template=template
    )
    make_customer(agent, phones=["13800000304"], birthday="1990-03-15", email="zhang@example.com")
    make_customer(agent, phones=["13800000305"], birthday="1990-03-15")  # no e-mail
    care_run(dt.date(2026, 3, 8))
    messages_send(now=dt.datetime(2026, 3, 8, 9, 0, tzinfo=CST))
    mail = Message.objects.get(channel="email", status="sent")
    assert mail.provider == "smtp"
    assert Message.objects.get(channel="email", status="skipped").skip_reason == "no_email"
    assert smtp_server.messages[0].rcpt_tos == ["zhang@example.com"]
    content = smtp_server.messages[0].content.decode()
    assert "Subject:" in content


@pytest.mark.django_db
def test_r_9_4_tencent_replies_are_pulled_through_the_sdk(fake_sms, agent, settings):
    settings.KEFU = {**settings.KEFU, "SMS_PROVIDER": "tencent", "SMS_SIGN_NAME": "客服中心",
                     "SMS_REPLY_PULL": True,
                     "SMS_TENCENT": {"secret_id": "AKID-test", "secret_key": SECRET,
                                     "sdk_app_id": "1400000000", "region": "ap-guangzhou",
                                     "endpoint": fake_sms}}  # fmt: skip
    customer = make_customer(agent, phones=["13800000304"])
    FakeSms.replies = [{"PhoneNumber": "+8613800000304", "SubscriberNumber": "8613800000304",
                        "CountryCode": "86", "ReplyContent": "退订", "SignName": "客服中心",
                        "ReplyTime": "2026-11-24 10:20:00", "ExtendCode": ""}]  # fmt: skip
    FakeSms.replies += [{**FakeSms.replies[0], "PhoneNumber": f"+86139000{n:05d}",
                         "ReplyContent": "好的"} for n in range(120)]  # fmt: skip
    assert replies_pull() == 121  # two pulls of 100 and 21, each signed
    assert [r["Action"] for r in FakeSms.received] == ["PullSmsReplyStatus"] * 2
    assert FakeSms.received[0]["SmsSdkAppId"] == "1400000000"
    customer.refresh_from_db()
    assert customer.sms_opt_out is True
    reply = InboundSms.objects.get(phone="13800000304")
    assert reply.received_at == dt.datetime(2026, 11, 24, 10, 20, tzinfo=CST)
    assert InboundSms.objects.filter(outcome="unmatched").count() == 120
