"""Backups (R-11.1, issue 15): the restore drill — back up the demo center, restore it into a new
empty database through `kefu restore`, and compare every table's row count and a sample of
records; a damaged or foreign backup, or a database that is not empty, is refused."""

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kefu.core.errors import Conflict, ValidationFailed
from kefu.customers.models import Customer
from kefu.setup.backup import backup_create, backup_restore

ROOT = Path(__file__).resolve().parents[3]


def kefu(args, env):
    return subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def restored_rows(env, engine):
    """Each table's count and the sample, read from the restored database directly."""
    sql_counts = "SELECT COUNT(*) FROM {}"
    sample = "SELECT number, name FROM customers_customer ORDER BY id LIMIT 5"
    if engine == "sqlite":
        db = sqlite3.connect(env["KEFU_SQLITE_PATH"])
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        count = {t: db.execute(sql_counts.format(f'"{t}"')).fetchone()[0] for t in tables}
        return count, db.execute(sample).fetchall()
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as db:
        tables = [r[0] for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]  # fmt: skip
        count = {t: db.execute(sql_counts.format(f'"{t}"')).fetchone()[0] for t in tables}
        return count, [tuple(r) for r in db.execute(sample).fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_gives_back_the_demo_center(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    held = settings.VAR_DIR / "files" / "uploads"
    held.mkdir(parents=True)
    (held / "pending.csv").write_text("姓名,手机\n王芳,13800000001\n")
    call_command("demo", "--customers", "20", stdout=open(os.devnull, "w"))
    path = backup_create(out_dir=tmp_path / "backups")
    with tarfile.open(path) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "files/uploads/pending.csv"} <= names
    env = {**os.environ, "KEFU_VAR_DIR": str(tmp_path / "elsewhere"),
           "DJANGO_SETTINGS_MODULE": "config.settings.dev"}  # fmt: skip
    engine = connection.vendor
    fresh = f"kefu_drill_{uuid.uuid4().hex[:8]}"
    if engine == "sqlite":
        env.pop("DATABASE_URL", None)
        env["KEFU_SQLITE_PATH"] = str(tmp_path / "restored.sqlite3")
    else:
        import psycopg

        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{fresh}"')
        env["DATABASE_URL"] = f"{base}/{fresh}"
    try:
        done = kefu(["restore", str(path)], env)
        assert done.returncode == 0, done.stderr
        assert "已恢复 / restored" in done.stdout
        counts, sample = restored_rows(env, engine)
        from kefu.setup.backup import table_counts

        expected = table_counts()
        assert expected["customers_customer"] >= 20 and expected["followups_followup"] > 0
        assert {t: counts.get(t) for t in expected} == expected  # every table, every row
        assert sample == list(Customer.objects.order_by("id").values_list("number", "name")[:5])
        uploads = tmp_path / "elsewhere" / "files" / "uploads" / "pending.csv"
        assert uploads.read_text().startswith("姓名,手机")
        # a second restore into the now full database is refused, naming why
        again = kefu(["restore", str(path)], env)
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        if engine != "sqlite":
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_foreign_backup_is_refused(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = backup_create(out_dir=tmp_path)
    with pytest.raises(Conflict):  # this database is not empty
        backup_restore(path=path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(ValidationFailed) as exc:
        backup_restore(path=damaged)
    assert exc.value.errors[0].code == "checksum"
    (tmp_path / "junk.tar").write_bytes(b"not a tar")
    with pytest.raises(ValidationFailed) as exc:
        backup_restore(path=tmp_path / "junk.tar")
    assert exc.value.errors[0].code == "unreadable"
