"""A person's data on request (PIPL) and the retention policy (R-11.3, R-0.3, R-0.5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.care.models import InboundSms, Message
from kefu.complaints.models import Complaint
from kefu.complaints.services import complaint_create
from kefu.core.models import CenterSetting, RetentionRun
from kefu.customers.models import Customer, CustomerPhone, PiiAccessLog, PrivacyRequest
from kefu.customers.tests.factories import make_customer
from kefu.interactions.models import Interaction
from kefu.interactions.services import interaction_log

pytestmark = pytest.mark.django_db


def _call(agent, customer, content, category="consultation"):
    data = {"customer_id": customer.pk, "channel": "inbound_call", "category": category,
            "content": content}  # fmt: skip
    return interaction_log(actor=agent, data=data)[0]


def _person(agent):
    customer = make_customer(agent, name="李秀英", phones=["13800000601"], address="北京路1号")
    _call(agent, customer, "问保养价格")
    Message.objects.create(key="m-601", customer=customer, channel="sms", to="13800000601",
                           body="李秀英您好，生日快乐", scheduled_for=timezone.now(),
                           status="sent")  # fmt: skip
    return customer


def test_a_manager_exports_everything_held_about_a_person_and_it_is_logged(api_as, agent, manager):
    customer = _person(agent)
    r = api_as(manager).post(f"/privacy/customers/{customer.pk}/export",
                             {"reason": "本人来电要求查阅（工单外）"})  # fmt: skip
    assert r.status_code == 200, r.content
    doc = r.json()
    assert doc["customer"]["name"] == "李秀英" and doc["customer"]["address"] == "北京路1号"
    assert [p["number"] for p in doc["records"]["customers.CustomerPhone"]] == ["13800000601"]
    assert doc["records"]["interactions.Interaction"][0]["content"] == "问保养价格"
    assert doc["records"]["care.Message"][0]["body"] == "李秀英您好，生日快乐"
    logged = PrivacyRequest.objects.get()
    assert (logged.kind, logged.user, logged.number) == ("export", manager, customer.number)
    assert logged.counts["interactions.Interaction"] == 1
    assert PiiAccessLog.objects.filter(user=manager, customer=customer, action="export").exists()
    assert (
        api_as(manager).get("/privacy/requests").json()[0]["reason"] == "本人来电要求查阅（工单外）"
    )
    # agents may not; a request needs its reason
    assert api_as(agent).post(f"/privacy/customers/{customer.pk}/export",
                              {"reason": "x"}).status_code == 403  # fmt: skip
    bad = api_as(manager).post(f"/privacy/customers/{customer.pk}/export", {"reason": " "})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"


def test_erasure_waits_for_open_cases_then_clears_every_trace_but_keeps_the_figures(
    api_as, agent, manager
):
    customer = _person(agent)
    complaint = complaint_create(actor=agent, data={"customer_id": customer.pk,
                                                    "content": "李秀英投诉维修质量"})  # fmt: skip
    api = api_as(manager)
    url = f"/privacy/customers/{customer.pk}/erase"
    held = api.post(url, {"reason": "本人书面申请删除", "confirm_number": customer.number})
    assert held.status_code == 409
    assert held.json()["errors"][0]["code"] == "open_complaint"
    assert Customer.objects.get(pk=customer.pk).name == "李秀英"  # nothing touched

    Complaint.objects.filter(pk=complaint.pk).update(stage="closed")
    slip = api.post(url, {"reason": "本人书面申请删除", "confirm_number": "KH0"})
    assert slip.status_code == 422 and slip.json()["errors"][0]["field"] == "confirm_number"
    done = api.post(url, {"reason": "本人书面申请删除", "confirm_number": customer.number})
    assert done.status_code == 200, done.content
    assert done.json()["counts"]["customers.CustomerPhone"] == 1

    erased = Customer.objects.get(pk=customer.pk)
    assert (erased.name, erased.address, erased.sms_opt_out) == ("（已删除）", "", True)
    assert not CustomerPhone.objects.filter(customer=erased).exists()
    contact = Interaction.objects.get(customer=erased)
    assert (contact.content, contact.caller_number, contact.channel) == ("", "", "inbound_call")
    assert Complaint.objects.get(pk=complaint.pk).content == ""
    assert Message.objects.get(key="m-601").body == ""
    # no earlier version keeps the name; the erasure itself is in the history, attributed
    history = list(Customer.history.filter(id=customer.pk))
    assert all(h.name != "李秀英" for h in history)
    assert history[0].history_user == manager and "PIPL" in history[0].history_change_reason
    assert not CustomerPhone.history.filter(customer_id=customer.pk).exists()
    assert PrivacyRequest.objects.get(kind="erase").reason == "本人书面申请删除"


def test_the_retention_policy_archives_old_contacts_recordings_and_messages_once(agent, manager):
    """R-11.3, R-0.3: each run recorded; open cases kept whole; nothing cleared twice."""
    from kefu.core.scheduler import JOBS
    from kefu.setup.retention import retention_run

    customer = _person(agent)
    old_contact = Interaction.objects.get(customer=customer)
    held = _call(agent, customer, "投诉还在处理", category="complaint")
    assert Complaint.objects.get(interaction=held).stage != "closed"  # the call became one
    long_ago = timezone.now() - dt.timedelta(days=800)
    Interaction.objects.filter(customer=customer).update(created_at=long_ago)
    _call(agent, customer, "昨天的来电")
    Message.objects.filter(key="m-601").update(scheduled_for=long_ago)
    InboundSms.objects.create(key="r-1", provider="aliyun", phone="13800000601", text="好的",
                              received_at=long_ago)  # fmt: skip
    from kefu.quality.models import Transcript

    recorded = Transcript.objects.create(interaction=old_contact, source="cti",
                                         recording_url="http://pbx.local/r/1.wav")  # fmt: skip
    Transcript.objects.filter(pk=recorded.pk).update(received_at=long_ago)

    assert retention_run() == {}  # the policy keeps everything until the center sets it
    CenterSetting.objects.update_or_create(pk=1, defaults={
        "retain_contacts_months": 24, "retain_messages_months": 12,
        "retain_recordings_months": 6})  # fmt: skip
    cleared = retention_run()
    assert cleared == {"contacts": 1, "messages": 1, "replies": 1, "recordings": 1}
    recorded.refresh_from_db()
    assert recorded.recording_url == "" and recorded.interaction_id == old_contact.pk
    assert not Transcript.history.filter(id=recorded.pk).exclude(recording_url="").exists()
    old_contact.refresh_from_db()
    assert old_contact.content == "" and old_contact.channel == "inbound_call"
    assert not Interaction.history.filter(id=old_contact.pk).exclude(content="").exists()
    assert Interaction.objects.filter(content="昨天的来电").exists()  # recent: kept
    assert Interaction.objects.get(pk=held.pk).content == "投诉还在处理"  # an open case: kept
    assert Message.objects.get(key="m-601").to == ""
    assert not InboundSms.objects.exists()
    runs = {r.kind: r.cleared for r in RetentionRun.objects.all()}
    assert runs == {"contacts": 1, "messages": 1, "replies": 1, "recordings": 1}
    assert retention_run() == {} and RetentionRun.objects.count() == 4  # nothing twice
    assert any(j.name == "kefu.setup.retention" and j.daily for j in JOBS)


def test_the_managers_privacy_page_downloads_a_persons_data_and_erases_it(client, agent, manager):
    """个人信息 in the console: find by number, export (a JSON download), erase with the
    number typed again; the log on the same page. Agents cannot open it."""
    import json

    customer = _person(agent)
    client.force_login(agent)
    assert client.get("/privacy/").status_code == 403
    client.force_login(manager)
    page = client.get(f"/privacy/?number={customer.number}").content.decode()
    assert "李秀英" in page and "导出个人信息" in page
    download = client.post("/privacy/", {"number": customer.number, "action": "export",
                                         "reason": "本人到店申请"})  # fmt: skip
    assert download["Content-Disposition"].endswith(f'personal-data-{customer.number}.json"')
    assert json.loads(download.content)["customer"]["name"] == "李秀英"
    slip = client.post("/privacy/", {"number": customer.number, "action": "erase",
                                     "reason": "本人申请删除", "confirm_number": "x"})  # fmt: skip
    assert "请再输入一次客户编号以确认删除" in slip.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "李秀英"
    done = client.post("/privacy/", {"number": customer.number, "action": "erase",
                                     "reason": "本人申请删除", "confirm_number": customer.number},
                       follow=True)  # fmt: skip
    html = done.content.decode()
    assert "已删除" in html and "本人到店申请" in html and "本人申请删除" in html
    assert Customer.objects.get(pk=customer.pk).name == "（已删除）"


def test_every_record_pointing_at_a_customer_is_cleared_on_erasure_or_holds_nothing_personal():
    """A new model with a customer and free text must say how an erasure treats it."""
    from kefu.setup.privacy import NOTHING_PERSONAL, PERSONAL, _relations

    unnamed = {label for label, _, _ in _relations()} - set(PERSONAL) - NOTHING_PERSONAL
    assert unnamed == set()
