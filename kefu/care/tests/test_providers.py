"""SMS providers against local fake servers that check the request signatures the way
Aliyun and Tencent Cloud document them, and e-mail through a real local SMTP server."""

import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from kefu.care.models import Message
from kefu.care.providers import (
    AliyunSmsProvider,
    TencentSmsProvider,
    aliyun_signature,
    tencent_authorization,
)
from kefu.care.services import care_run, messages_send
from kefu.customers.tests.factories import make_customer
from kefu.setup.services import preset_load

SECRET = "test-secret"
CST = dt.timezone(dt.timedelta(hours=8))


class FakeSms(BaseHTTPRequestHandler):
    """Answers like the provider would, after checking the signature."""

    received: list = []
    fail_with: str = ""

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # Aliyun RPC style
        query = dict(
            urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        )
        signature = query.pop("Signature")
        if signature != aliyun_signature(query, SECRET):
            return self._answer(400, {"Code": "SignatureDoesNotMatch", "Message": "bad"})
        FakeSms.received.append(query)
        if FakeSms.fail_with:
            return self._answer(200, {"Code": FakeSms.fail_with, "Message": "limited"})
        return self._answer(200, {"Code": "OK", "Message": "OK", "BizId": "biz-1"})

    def do_POST(self):  # Tencent Cloud API 3.0 style
        payload = self.rfile.read(int(self.headers["Content-Length"])).decode()
        expected = tencent_authorization(
            secret_id="AKID-test",
            secret_key=SECRET,
            host=self.headers["Host"],
            payload=payload,
            timestamp=int(self.headers["X-TC-Timestamp"]),
        )
        if self.headers["Authorization"] != expected or self.headers["X-TC-Action"] != "SendSms":
            return self._answer(
                200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure"}}}
            )
        body = json.loads(payload)
        FakeSms.received.append(body)
        return self._answer(
            200,
            {
                "Response": {
                    "SendStatusSet": [
                        {
                            "SerialNo": "serial-9",
                            "PhoneNumber": body["PhoneNumberSet"][0],
                            "Code": "Ok",
                        }
                    ],
                    "RequestId": "r-1",
                }
            },
        )


@pytest.fixture
def fake_sms():
    FakeSms.received, FakeSms.fail_with = [], ""
    server = HTTPServer(("127.0.0.1", 0), FakeSms)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_aliyun_send_sms_is_signed_and_carries_template_and_key(fake_sms):
    provider = AliyunSmsProvider(
        access_key_id="LTAI-test", access_key_secret=SECRET, sign_name="客服中心", endpoint=fake_sms
    )
    result = provider.send(
        phone="13800000301", text="…", template="SMS_1001", params={"name": "张三"}, key="k-1"
    )
    assert (result.ok, result.provider_id) == (True, "biz-1")
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
    wrong = AliyunSmsProvider(
        access_key_id="LTAI-test", access_key_secret="nope", sign_name="x", endpoint=fake_sms
    ).send(phone="13800000301", text="…", template="T", params={}, key="k-3")
    assert not wrong.ok and "SignatureDoesNotMatch" in wrong.error


def test_tencent_send_sms_is_tc3_signed_with_ordered_parameters(fake_sms):
    provider = TencentSmsProvider(
        secret_id="AKID-test",
        secret_key=SECRET,
        sdk_app_id="1400000000",
        sign_name="客服中心",
        region="ap-guangzhou",
        endpoint=fake_sms,
    )
    result = provider.send(
        phone="13800000302",
        text="…",
        template="123456",
        params={"name": "李四", "date": "03月15日"},
        key="k-9",
    )
    assert (result.ok, result.provider_id) == (True, "serial-9")
    body = FakeSms.received[0]
    assert body["PhoneNumberSet"] == ["+8613800000302"]
    assert body["TemplateParamSet"] == ["李四", "03月15日"]
    assert (body["SessionContext"], body["SmsSdkAppId"]) == ("k-9", "1400000000")
    bad = TencentSmsProvider(
        secret_id="AKID-test",
        secret_key="wrong",
        sdk_app_id="1",
        sign_name="x",
        region="ap-guangzhou",
        endpoint=fake_sms,
    ).send(phone="13800000302", text="…", template="1", params={}, key="k")
    assert not bad.ok and "SignatureFailure" in bad.error


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
