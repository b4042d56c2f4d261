"""Files kept between requests in S3-compatible object storage (issue 15), against a local
S3 server (moto's): with several web hosts and workers, the file a host received is taken
by whichever host or worker continues the work, and nothing is left on a local disk."""

from __future__ import annotations

import datetime as dt
import io
import socket

import boto3
import pytest
from django.conf import settings
from django.test import override_settings
from openpyxl import load_workbook

BUCKET = "kefu-files"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, monkeypatch, tmp_path):
    """The center's files in a fresh bucket; var/ somewhere empty, to see nothing lands."""
    monkeypatch.setenv("KEFU_S3_BUCKET", BUCKET)
    monkeypatch.setenv("KEFU_S3_ENDPOINT", s3_server)
    monkeypatch.setenv("KEFU_S3_ACCESS_KEY", "kefu")
    monkeypatch.setenv("KEFU_S3_SECRET_KEY", "kefu-secret")
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="kefu", aws_secret_access_key="kefu-secret",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    from config.settings.base import files_storage

    storages = {**settings.STORAGES, "default": files_storage()}
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    with override_settings(STORAGES=storages):
        yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_background_import_is_held_in_the_bucket_and_taken_by_the_worker(s3, api_as, manager):
    """The web host answers 202 and holds the file in the bucket; the import worker (another
    host in production) takes it from there, and the bucket is left clean."""
    from kefu.customers.models import Customer
    from kefu.customers.transfer import import_jobs_run

    data = "姓名,手机\n" + "".join(f"客户{i},139{i:08d}\n" for i in range(30))
    r = api_as(manager).upload(
        "/imports/customers?dry_run=false&background=true", "a.csv", data.encode()
    )
    assert r.status_code == 202
    held = _keys(s3)
    assert len(held) == 1 and held[0].startswith("kefu/uploads/")
    assert not (settings.VAR_DIR / "files").exists()  # nothing on this host's disk
    assert import_jobs_run() == 1
    assert Customer.objects.count() == 30
    assert _keys(s3) == []


def test_a_checked_file_left_unconfirmed_is_cleaned_from_the_bucket(s3, manager):
    from kefu.customers.files import upload_hold, upload_take

    stale = upload_hold(b"old")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    import time_machine

    with time_machine.travel(later, tick=False):
        fresh = upload_hold(b"new")
    assert _keys(s3) == [f"kefu/uploads/{fresh}"]
    assert upload_take(stale) is None
    assert upload_take(fresh) == b"new" and _keys(s3) == []


def test_the_scheduled_reports_archive_lives_in_the_bucket(s3, manager, client):
    """A scheduled report made by the reports worker is kept in the bucket and downloaded
    from the console by a web host."""
    from kefu.reports.models import ReportArchive, ScheduledReport
    from kefu.reports.scheduled import reports_send, scheduled_seed

    scheduled_seed()
    ScheduledReport.objects.update(recipients="")
    reports_send(dt.date(2026, 11, 2))  # a Monday: the daily and the weekly report
    rows = list(ReportArchive.objects.order_by("id"))
    assert len(rows) == 2 and all(r.file and not bytes(r.content) for r in rows)
    assert [k.rsplit("/", 1)[-1] for k in _keys(s3)] == sorted(
        f"{r.scheduled.code}-{r.stamp}.xlsx" for r in rows
    )
    reports_send(dt.date(2026, 11, 2))  # again: nothing new made
    assert len(_keys(s3)) == 2
    client.force_login(manager)
    download = client.get(f"/reports/archive/{rows[0].pk}.xlsx")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.content)).worksheets[0].max_row >= 1
