"""The console's pages through Django's test client: sign-in, security headers, masking and
the role rules the pages inherit from the services."""

import re

import pytest
from django.test import Client

from kefu.accounts.models import Department
from kefu.customers.tests.factories import make_customer
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db
PAGES = ["/", "/customers/", "/call/", "/complaints/", "/work-orders/", "/followups/next/"]


@pytest.fixture
def signed_in(agent):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")
    client = Client()
    client.force_login(agent)
    return client


def test_every_page_needs_a_sign_in():
    client = Client()
    for url in [*PAGES, "/import/"]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url


def test_pages_are_chinese_and_carry_a_strict_content_security_policy(signed_in):
    for url in PAGES:
        r = signed_in.get(url, follow=True)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert '<html lang="zh-hans">' in html
        csp = r["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r["X-Frame-Options"] == "DENY"
        # no inline scripts: every <script> has a src from this server
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


def test_search_results_come_as_a_fragment_for_htmx_with_masked_phones(signed_in, agent):
    make_customer(agent, name="欧阳娜娜", phones=["13912345678"])
    r = signed_in.get("/customers/", {"q": "oynn"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "<html" not in html and "欧阳娜娜" in html
    assert "139****5678" in html and "13912345678" not in html


def test_showing_full_personal_data_is_logged(signed_in, agent):
    from kefu.customers.models import PiiAccessLog

    c = make_customer(agent, phones=["13912345679"])
    assert "13912345679" not in signed_in.get(f"/customers/{c.pk}/").content.decode()
    r = signed_in.post(f"/customers/{c.pk}/", {"reveal": "1"})
    assert "13912345679" in r.content.decode()
    assert PiiAccessLog.objects.get(action="reveal", channel="web").customer == c


def test_the_import_page_is_for_roles_that_may_import(signed_in):
    r = signed_in.get("/")
    assert 'href="/import/"' not in r.content.decode()  # agents do not import
    r = signed_in.get("/import/")
    assert r.status_code == 403 and "无权执行此操作" in r.content.decode()
    assert signed_in.get("/complaints/999999/").status_code == 404


def test_a_form_error_is_shown_next_to_its_field_in_chinese(signed_in):
    r = signed_in.post("/call/", {"channel": "inbound_call", "category": "consultation"})
    assert r.status_code == 422
    assert "请填写内容" in r.content.decode()


def test_reports_are_for_leads_and_each_chart_downloads_as_xlsx(signed_in, lead, agent):
    import io

    from openpyxl import load_workbook

    from kefu.complaints.services import complaint_create

    complaint_create(actor=agent, data={"complainant_name": "甲", "content": "乙"})
    assert signed_in.get("/reports/").status_code == 403
    client = Client()
    client.force_login(lead)
    page = client.get("/reports/")
    assert page.status_code == 200 and 'data-chart="complaint_stages"' in page.content.decode()
    r = client.get("/reports/complaint_stages.xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("阶段", "投诉数") and ("判断", 1) in rows
    assert client.get("/reports/nothing.xlsx").status_code == 404


def test_lists_filter_by_class_overdue_and_stalled(signed_in, agent, lead):
    import datetime as dt

    from django.utils import timezone

    from kefu.complaints.models import Complaint
    from kefu.complaints.services import complaint_create

    late = complaint_create(actor=agent, data={"complainant_name": "迟", "content": "超时的"})
    complaint_create(actor=agent, data={"complainant_name": "准", "content": "按时的"})
    Complaint.objects.filter(pk=late.pk).update(stage_due_at=timezone.now() - dt.timedelta(hours=1))
    html = signed_in.get("/complaints/", {"overdue": "1"}).content.decode()
    assert late.number in html and "准" not in html
    assert "超时的" not in signed_in.get("/complaints/", {"stage": "closed"}).content.decode()
    client = Client()
    client.force_login(lead)
    assert client.get("/work-orders/", {"stalled": "1"}).status_code == 200
    assert signed_in.get("/work-orders/", {"stalled": "1"}).status_code == 403


def test_english_can_be_chosen_and_errors_follow_the_language(signed_in, agent):
    from kefu.complaints.services import complaint_create

    c = complaint_create(actor=agent, data={"complainant_name": "甲", "content": "乙"})
    r = signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    html = signed_in.get("/").content.decode()
    assert '<html lang="en">' in html and "Workbench" in html and "Follow-ups today" in html
    page = signed_in.get(f"/complaints/{c.pk}/").content.decode()
    assert "investigation" in page and "Go to “" in page
    r = signed_in.post("/call/", {"channel": "inbound_call", "category": "consultation"})
    assert "content is required" in r.content.decode()
    signed_in.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "工作台" in signed_in.get("/").content.decode()


def test_a_work_order_page_offers_its_next_steps_and_urging(signed_in, agent, lead):
    from kefu.accounts.tests.factories import UserFactory
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.services import work_order_create

    service = Department.objects.get(code="service")
    fixer = UserFactory(username="fixer", role="handler", department=service)
    order = work_order_create(
        actor=agent, data={"title": "空调不制冷", "department": "service", "category": "fault"}
    )
    html = signed_in.get(f"/work-orders/{order.pk}/").content.decode()
    assert 'data-to="dispatched"' in html and 'data-to="done"' not in html
    assert "催办" not in html  # agents do not urge
    r = signed_in.post(f"/work-orders/{order.pk}/", {"to": "dispatched"})
    assert r.status_code == 422 and "assignee" in r.content.decode()
    signed_in.post(f"/work-orders/{order.pk}/", {"to": "dispatched", "assignee": "fixer"})
    assert WorkOrder.objects.get(pk=order.pk).assignee == fixer
    client = Client()
    client.force_login(lead)
    client.post(f"/work-orders/{order.pk}/", {"action": "urge", "note": "客户催了两次"})
    assert order.events.filter(kind="urge").count() == 1
    handler = Client()
    handler.force_login(fixer)
    handler.post(f"/work-orders/{order.pk}/", {"to": "in_progress"})
    handler.post(f"/work-orders/{order.pk}/", {"to": "done", "result": "更换电容"})
    assert WorkOrder.objects.get(pk=order.pk).status == "done"


def test_a_new_customer_is_checked_field_by_field_then_opened(signed_in):
    from kefu.customers.models import Customer

    r = signed_in.post("/customers/new/", {"name": "周杰", "phones": "12345", "email": "x@"})
    html = r.content.decode()
    assert r.status_code == 422 and "电话号码无效" in html and "邮箱地址无效" in html
    assert not Customer.objects.exists()
    r = signed_in.post(
        "/customers/new/", {"name": "周杰", "phones": "138 0000 1234", "birthday": "1990-05-01"}
    )
    customer = Customer.objects.get()
    assert r["Location"] == f"/customers/{customer.pk}/" and customer.owner is not None


def test_callbacks_close_and_complaint_letters_become_complaints_from_the_workbench(
    signed_in, agent
):
    from kefu.complaints.models import Complaint
    from kefu.interactions.models import CallbackTask
    from kefu.interactions.services import interaction_log

    interaction_log(
        actor=agent,
        data={
            "channel": "inbound_call",
            "category": "consultation",
            "caller_number": "13900000001",
            "content": "问提车时间",
            "callback_due_at": "2026-11-22T15:00:00+08:00",
        },
    )
    letter, _ = interaction_log(
        actor=agent,
        data={
            "channel": "letter",
            "category": "complaint",
            "contact_name": "孙",
            "content": "来函",
        },
    )
    html = signed_in.get("/").content.decode()
    assert "登记为投诉" in html and "问提车时间" in html
    task = CallbackTask.objects.get()
    signed_in.post(f"/callbacks/{task.pk}/done/", {"result": "已告知周五提车"})
    task.refresh_from_db()
    assert (task.status, task.result) == ("done", "已告知周五提车")
    r = signed_in.post(f"/interactions/{letter.pk}/complaint/")
    complaint = Complaint.objects.get(interaction=letter)
    assert r["Location"] == f"/complaints/{complaint.pk}/"
    assert "登记为投诉" not in signed_in.get("/").content.decode()


def test_editing_a_customer_keeps_the_phones_unless_new_ones_are_given(
    signed_in, agent, other_agent
):
    c = make_customer(agent, name="吴刚", phones=["13912345600"])
    page = signed_in.get(f"/customers/{c.pk}/edit/").content.decode()
    assert "13912345600" not in page  # no full number on the form
    r = signed_in.post(
        f"/customers/{c.pk}/edit/",
        {"name": "吴刚", "gender": "male", "birthday_calendar": "solar", "level": "member",
         "card_expires_on": "2027-01-31", "sms_opt_out": "on", "notes": "喜欢周末来店"},
    )  # fmt: skip
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.level, c.sms_opt_out, str(c.card_expires_on)) == ("member", True, "2027-01-31")
    assert list(c.phones.values_list("number", flat=True)) == ["13912345600"]
    r = signed_in.post(
        f"/customers/{c.pk}/edit/", {"name": "吴刚", "phones": "12", "level": "member"}
    )
    assert r.status_code == 422 and "电话号码无效" in r.content.decode()
    stranger = Client()
    stranger.force_login(other_agent)  # agents edit their own customers only
    r = stranger.post(f"/customers/{c.pk}/edit/", {"name": "改名", "level": "normal"})
    assert r.status_code == 403


def test_a_forged_proposal_number_is_a_clear_error_not_a_crash(signed_in, agent, lead):
    from kefu.complaints.services import complaint_create

    c = complaint_create(actor=agent, data={"complainant_name": "甲", "content": "乙"})
    client = Client()
    client.force_login(lead)
    for forged in ("abc", "999999", ""):
        r = client.post(f"/complaints/{c.pk}/", {"action": "approve", "proposal": forged})
        assert r.status_code == 404


def test_vehicles_files_and_documents_are_kept_from_the_customer_page(signed_in, agent):
    from kefu.customers.models import AssetFile, FileDocument
    from kefu.customers.tests.factories import valid_vin

    c = make_customer(agent, phones=["13912345601"])
    url = f"/customers/{c.pk}/"
    r = signed_in.post(url, {"action": "add_asset", "vin": "LSVAU2189N2123450", "plate": "京A1"})
    assert r.status_code == 422 and "VIN" in r.content.decode()
    vin = valid_vin("LSVAU2180N2123451")
    r = signed_in.post(url, {"action": "add_asset", "vin": vin, "plate": "京A12346"})
    assert r.status_code == 302
    asset = c.assets.get()
    assert "建立销售档案" in signed_in.get(url).content.decode()
    signed_in.post(url, {"action": "open_file", "asset": asset.pk})
    file = AssetFile.objects.get(asset=asset)
    doc = FileDocument.objects.filter(file=file).first()
    signed_in.post(url, {"action": "receive", "file": file.pk, "doc": doc.doc_type.code})
    doc.refresh_from_db()
    assert doc.received_on is not None
    assert "✓ " + doc.doc_type.name in signed_in.get(url).content.decode()


def test_a_team_lead_merges_a_duplicate_from_the_customer_page(signed_in, agent, lead):
    keep = make_customer(agent, name="郑爽", phones=["13912345602"])
    dup = make_customer(agent, name="郑爽", phones=["13912345603"])
    assert "合并重复客户" not in signed_in.get(f"/customers/{keep.pk}/").content.decode()
    client = Client()
    client.force_login(lead)
    r = client.post(f"/customers/{keep.pk}/", {"action": "merge", "source": "KH99999999"})
    assert r.status_code == 422 and "找不到要合并的客户" in r.content.decode()
    client.post(f"/customers/{keep.pk}/", {"action": "merge", "source": dup.number.lower()})
    dup.refresh_from_db()
    assert dup.merged_into == keep and keep.phones.count() == 2


def test_the_runner_warns_in_the_customers_rest_time(signed_in, agent):
    import datetime as dt

    import time_machine

    from kefu.followups.events import event_record

    c = make_customer(agent, phones=["13912345604"])
    event, _ = event_record(
        actor=agent,
        data={
            "type": "repair_handed_back",
            "customer_id": c.pk,
            "occurred_at": "2026-06-01T10:00:00+08:00",
        },
    )
    task = event.followups.get(rule__code="3dc")
    cst = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 6, 4, 12, 30, tzinfo=cst)):
        assert "12:00–14:00" in signed_in.get(f"/followups/{task.pk}/").content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 4, 15, 0, tzinfo=cst)):
        assert "休息时间" not in signed_in.get(f"/followups/{task.pk}/").content.decode()
    with time_machine.travel(dt.datetime(2026, 10, 2, 10, 0, tzinfo=cst)):
        assert "法定节假日" in signed_in.get(f"/followups/{task.pk}/").content.decode()


def test_a_department_handler_finds_the_departments_orders_on_the_workbench(signed_in, agent):
    """R-3.1: an order dispatched to a colleague of the department (or not yet dispatched)
    is on every department handler's workbench, as in their work-order list."""
    from kefu.accounts.tests.factories import UserFactory
    from kefu.tickets.services import work_order_create, work_order_transition

    service = Department.objects.get(code="service")
    UserFactory(username="fixer1", role="handler", department=service)
    second = UserFactory(username="fixer2", role="handler", department=service)
    order = work_order_create(
        actor=agent, data={"title": "门禁失灵", "department": "service", "category": "fault"}
    )
    work_order_transition(actor=agent, order=order, to="dispatched", fields={"assignee": "fixer1"})
    web = Client()
    web.force_login(second)
    assert order.number in web.get("/").content.decode()
    assert order.number in web.get("/work-orders/").content.decode()


def test_long_lists_come_a_page_at_a_time_with_the_total(signed_in, agent, lead):
    """The work-order list shows 50 a page, says how many there are in all, and keeps the
    filters in the pager's links; a page past the end shows the last one."""
    from kefu.tickets.services import work_order_create

    for i in range(53):
        work_order_create(
            actor=agent,
            data={"title": f"报修{i:02d}", "department": "service", "category": "fault"},
        )
    web = Client()
    web.force_login(lead)
    first = web.get("/work-orders/", {"department": "service"}).content.decode()
    rows = re.compile(r'href="/work-orders/\d+/"')
    assert len(rows.findall(first)) == 50
    assert "第 1 / 2 页，共 53 条" in first
    assert "?department=service&amp;page=2" in first
    second = web.get("/work-orders/", {"department": "service", "page": "2"}).content.decode()
    assert len(rows.findall(second)) == 3 and "上一页" in second
    beyond = web.get("/work-orders/", {"department": "service", "page": "999"}).content.decode()
    assert "第 2 / 2 页" in beyond
    workbench = web.get("/").content.decode()
    assert "<b>53</b>" in workbench  # the count is all open orders, not the rows shown


def test_the_browsers_favicon_request_finds_the_console_icon():
    r = Client().get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/console/favicon.svg"


def test_a_complaints_stage_records_show_labels_not_codes(signed_in, agent):
    from kefu.complaints.services import complaint_create

    c = complaint_create(
        actor=agent, data={"complainant_name": "周", "content": "异响", "channel": "visit"}
    )
    html = signed_in.get(f"/complaints/{c.pk}/").content.decode()
    assert "渠道：来访" in html and "渠道：visit" not in html


def test_the_recording_server_may_be_allowed_to_play_in_the_qa_page(monkeypatch):
    """R-7.5: the QA page's player loads the phone system's recording only from the origins
    the administrator names (KEFU_RECORDING_ORIGINS); nothing else is allowed."""
    import importlib

    import kefu.console.middleware as middleware

    assert "media-src 'self';" in middleware.CSP
    monkeypatch.setenv("KEFU_RECORDING_ORIGINS", "http://pbx.local, https://rec.example")
    try:
        importlib.reload(middleware)
        assert "media-src 'self' http://pbx.local https://rec.example;" in middleware.CSP
    finally:
        monkeypatch.delenv("KEFU_RECORDING_ORIGINS")
        importlib.reload(middleware)
