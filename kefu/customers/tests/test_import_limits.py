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
    path = settings.VAR_DIR / "uploads" / stale
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
    assert Customer.objects.get().name == "张三"
