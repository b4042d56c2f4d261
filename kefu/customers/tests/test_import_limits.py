"""Imports cannot exhaust the server and malformed files are 422, never 500 (issue 10, R-1.8):
in the customer import API, the event import API and the console import, each refusal
names `file` and says what is wrong, and nothing is stored."""

import io
import zipfile

import pytest
from django.test import Client

from kefu.customers.models import Customer
from kefu.followups.models import LifecycleEvent

pytestmark = pytest.mark.django_db

GOOD_XLSX_HEADER = "姓名,手机\n张三,13800001234\n"


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _broken_sheet_xml() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(_xlsx([["姓名", "手机"], ["张三", "13800001234"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            z.writestr(info.filename, data)
    return out.getvalue()


MALFORMED = {
    "random bytes named .xlsx": ("a.xlsx", b"\x00\x01 not a zip at all" * 10),
    "truncated zip": ("a.xlsx", _xlsx([["姓名", "手机"]])[:300]),
    "broken sheet XML": ("a.xlsx", _broken_sheet_xml()),
    "field over the csv module's limit": (
        "a.csv",
        ('姓名,手机\n"' + "长" * 140_000 + '",13800001234\n').encode(),
    ),
    "UTF-16": ("a.csv", GOOD_XLSX_HEADER.encode("utf-16")),
    "Shift-JIS": ("a.csv", "名前,電話\n山田,0312345678\n".encode("shift_jis")),
}


def _paths(api_as, manager):
    api = api_as(manager)
    web = Client()
    web.force_login(manager)
    return {
        "customer import API": lambda name, data: api.upload(
            "/imports/customers?dry_run=false", name, data
        ),
        "event import API": lambda name, data: api.upload("/events/import", name, data),
        "console import": lambda name, data: web.post("/import/", {"file": _file(name, data)}),
    }


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_naming_the_file_in_every_import_path(case, api_as, manager):
    name, data = MALFORMED[case]
    for path, send in _paths(api_as, manager).items():
        r = send(name, data)
        assert r.status_code in (200, 422), (case, path, r.status_code)
        body = r.content.decode()
        if path == "console import":
            assert "文件" in body or "file" in body, (case, path)
        else:
            assert r.status_code == 422, (case, path, body[:300])
            fields = {e["field"].split(":")[0] for e in r.json()["errors"]}
            assert fields & {"file", "header"}, (case, path, r.json())
    assert not Customer.objects.exists() and not LifecycleEvent.objects.exists()


def test_files_past_the_limits_are_refused_before_they_are_read(api_as, manager, settings):
    settings.KEFU = {
        **settings.KEFU,
        "IMPORT_MAX_BYTES": 2000,
        "IMPORT_MAX_ROWS": 3,
        "IMPORT_MAX_CELL": 50,
        "IMPORT_MAX_UNPACKED": 10_000,
    }
    api = api_as(manager)
    big = ("姓名,手机\n" + "张三,13800001234\n" * 200).encode()
    r = api.upload("/imports/customers", "a.csv", big)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "too_large"
    rows = ("姓名,手机\n" + "".join(f"张{i},1380000{i:04d}\n" for i in range(4))).encode()
    r = api.upload("/imports/customers", "a.csv", rows)
    assert r.json()["errors"][0]["code"] == "too_many_rows"
    r = api.upload("/imports/customers", "a.csv", ("姓名,手机\n" + "长" * 51 + ",1\n").encode())
    assert r.json()["errors"][0]["code"] == "cell_too_long"
    bomb = _xlsx([["姓名", "手机"], ["x" * 30_000, "13800001234"]])
    settings.KEFU = {**settings.KEFU, "IMPORT_MAX_BYTES": 10**6}
    r = api.upload("/imports/customers", "a.xlsx", bomb)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "too_large"
    assert not Customer.objects.exists()


def test_the_report_lists_at_most_the_error_limit_and_counts_the_rest(api_as, manager, settings):
    settings.KEFU = {**settings.KEFU, "IMPORT_MAX_ERRORS": 5}
    rows = ("姓名,手机\n" + "".join(f"张{i},123\n" for i in range(12))).encode()
    body = api_as(manager).upload("/imports/customers", "a.csv", rows).json()
    assert len(body["errors"]) == 5 and body["error_count"] == 12
    assert body["errors_not_listed"] == 7 and body["status"] == "rejected"


def test_a_checked_file_waits_for_confirm_and_unconfirmed_ones_are_cleaned_up(manager):
    """The console keeps a checked file until "confirm"; files never confirmed are removed
    after a day instead of piling up on the server."""
    import os
    import time

    from django.conf import settings

    from kefu.customers.files import upload_hold, upload_take

    stale = upload_hold(b"old")
    path = settings.VAR_DIR / "files" / "uploads" / stale
    os.utime(path, (time.time() - 25 * 3600, time.time() - 25 * 3600))
    fresh = upload_hold(b"new")
    assert not path.exists()
    assert upload_take(fresh) == b"new" and upload_take(fresh) is None
    assert upload_take("../../etc/passwd") is None


def test_the_console_import_checks_then_imports_on_confirm(manager):
    web = Client()
    web.force_login(manager)
    page = web.post("/import/", {"file": _file("a.csv", "姓名,手机\n张三,13800001234\n".encode())})
    token = page.context["token"]
    assert not Customer.objects.exists()
    web.post("/import/", {"token": token, "filename": "a.csv"})
    from kefu.customers.transfer import import_jobs_run

    import_jobs_run()  # the scheduler's import job
    assert Customer.objects.get().name == "张三"


def _csv(n: int) -> bytes:
    return ("姓名,手机\n" + "".join(f"客户{i},139{i:08d}\n" for i in range(n))).encode()


def test_a_large_import_runs_in_the_background_with_progress_to_poll(api_as, manager):
    """Issue 10: the API answers 202 with a job id; the scheduler's import job runs it,
    writing in batches; polling shows the rows checked, then the report."""
    from kefu.customers import transfer
    from kefu.customers.transfer import import_jobs_run

    api = api_as(manager)
    r = api.upload("/imports/customers?dry_run=false&background=true", "a.csv", _csv(2500))
    assert r.status_code == 202 and r.json()["status"] == "queued"
    job_id = r.json()["job_id"]
    assert api.get(f"/imports/customers/{job_id}").json()["report"] is None
    seen = []
    real = transfer.import_customers

    def spy(**kwargs):
        kwargs["progress"] = lambda n, inner=kwargs["progress"]: (seen.append(n), inner(n))
        return real(**{**kwargs, "batch_size": 1000})

    transfer.import_customers = spy
    try:
        assert import_jobs_run() == 1
    finally:
        transfer.import_customers = real
    assert seen[:2] == [1000, 2000] and seen[-1] == 2500
    body = api.get(f"/imports/customers/{job_id}").json()
    assert (body["status"], body["created"], body["rows_checked"]) == ("imported", 2500, 2500)
    assert body["report"]["created"] == 2500 and Customer.objects.count() == 2500
    assert import_jobs_run() == 0  # nothing queued any more


def test_the_console_confirm_shows_the_progress_then_the_report(manager):
    from kefu.customers.transfer import import_jobs_run

    web = Client()
    web.force_login(manager)
    page = web.post("/import/", {"file": _file("a.csv", _csv(3))})
    r = web.post("/import/", {"token": page.context["token"], "filename": "a.csv"})
    assert r.status_code == 302 and "/import/jobs/" in r["Location"]
    waiting = web.get(r["Location"]).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 2s"' in waiting
    import_jobs_run()
    done = web.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "已导入" in done and "every 2s" not in done
    assert Customer.objects.count() == 3


def test_an_import_that_died_with_its_process_is_marked_failed_with_what_to_do(manager):
    import datetime as dt

    from django.utils import timezone

    from kefu.customers.models import ImportJob
    from kefu.customers.transfer import import_jobs_run

    job = ImportJob.objects.create(user=manager, filename="a.csv", dry_run=False, status="running")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    import_jobs_run()
    job.refresh_from_db()
    assert job.status == "failed" and job.report["errors"][0]["code"] == "interrupted"
