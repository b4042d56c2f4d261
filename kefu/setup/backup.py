"""Backups and restores of a center (issue 15): the database — `pg_dump` custom format on
PostgreSQL, SQLite's online backup API for the embedded center (a consistent copy while the
center runs) — and the stored files (`var/files`: imports waiting for their confirmation,
the reports archive), in one `.tar` with a manifest: what was backed up, when, from which
engine and schema (each app's last migration), each table's row count (what a restore drill
compares) and a SHA-256 of each part. With object storage the files stay in their bucket.
A restore checks every checksum first and writes only into an empty database and an empty
files folder: it never mixes a backup into a live center."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from kefu.core.errors import Conflict, FieldError, ValidationFailed
from kefu.core.files import storage_is_local

FORMAT = 1
FILES_DIR = "files"  # var/files: LocalFiles, the embedded file storage (kefu.core.files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_url(db: dict[str, Any]) -> str:
    """A libpq connection string for the database settings (no password on the command
    line: it goes through PGPASSWORD)."""
    parts = {"host": db.get("HOST") or "", "port": str(db.get("PORT") or ""),
             "user": db.get("USER") or "", "dbname": db["NAME"]}  # fmt: skip
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def table_counts() -> dict[str, int]:
    """Every Kefu and Django table's row count (the drill compares them)."""
    names = sorted(t for t in connection.introspection.table_names()
                   if not t.endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize",
                                      "_fts_config")))  # fmt: skip
    counts = {}
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cur.fetchone()[0]
    return counts


def _schema() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        last[app] = max(last.get(app, ""), name)
    return dict(sorted(last.items()))


def _dump_database(folder: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        out = folder / "database.dump"
        done = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--file={out}", _pg_url(db)],
            env=_pg_env(db), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return out.name
    if connection.in_atomic_block:  # SQLite would wait on its own open transaction forever
        raise RuntimeError("a SQLite backup cannot run inside a transaction")
    connection.ensure_connection()
    out = folder / "database.sqlite3"
    target = sqlite3.connect(out)
    try:
        connection.connection.backup(target)  # the online backup API: a consistent copy
    finally:
        target.close()
    return out.name


def backup_create(*, out_dir: Path) -> Path:
    """Write `kefu-backup-<time>.tar` into `out_dir` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = out_dir / f"kefu-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="kefu-backup-") as tmp:
        folder = Path(tmp)
        counts, schema = table_counts(), _schema()  # read before the dump: the drill's floor
        parts = [_dump_database(folder)]
        files = Path(settings.VAR_DIR) / FILES_DIR
        if files.is_dir() and storage_is_local():
            shutil.copytree(files, folder / FILES_DIR)
            parts += [str(p.relative_to(folder)) for p in sorted((folder / FILES_DIR).rglob("*"))
                      if p.is_file()]  # fmt: skip
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "schema": schema,
            "tables": counts,
            # with object storage the files stay in their bucket (its versioning keeps them)
            "files": "local" if storage_is_local() else "object storage: not in this backup",
            "parts": {name: _sha256(folder / name) for name in parts},
        }
        with tarfile.open(target, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name in parts:
                tar.add(folder / name, arcname=name)
    return target


def _refuse(code: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(FieldError("file", code, zh, en))


def backup_read(path: Path, into: Path) -> dict[str, Any]:
    """Unpack the backup into `into` and check it: its manifest, every part's checksum."""
    try:
        with tarfile.open(path, "r") as tar:
            tar.extractall(into, filter="data")  # no paths outside `into`, no devices
    except (OSError, tarfile.TarError) as exc:
        raise _refuse("unreadable", f"无法读取备份文件：{exc}", f"Cannot read the backup: {exc}"
                      ) from None  # fmt: skip
    try:
        manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _refuse("no_manifest", "备份缺少 manifest.json", "The backup has no manifest"
                      ) from None  # fmt: skip
    if manifest.get("format") != FORMAT:
        raise _refuse("format", "备份格式不支持", f"Unknown backup format {manifest.get('format')}")
    for name, digest in manifest.get("parts", {}).items():
        part = into / name
        if not part.is_file() or _sha256(part) != digest:
            raise _refuse("checksum", f"备份已损坏：{name} 校验不符",
                          f"The backup is damaged: {name} does not match its checksum")  # fmt: skip
    return manifest


def _empty_database() -> bool:
    return not [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]


def _check_target(engine: str, files: Path) -> None:
    here = connection.vendor
    if engine != here:
        raise _refuse("engine", f"备份来自 {engine}，不能恢复到 {here}",
                      f"A {engine} backup cannot go into {here}")  # fmt: skip
    if not _empty_database():
        raise Conflict(FieldError("database", "not_empty", "目标数据库不是空的：只能恢复到空数据库",
                                  "The target database is not empty"))  # fmt: skip
    if files.is_dir() and any(files.iterdir()):
        raise Conflict(FieldError("files", "not_empty", f"文件目录不是空的：{files}",
                                  f"The files folder is not empty: {files}"))  # fmt: skip


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Restore the backup at `path` into this (empty) database and files folder. Returns
    the manifest."""
    with tempfile.TemporaryDirectory(prefix="kefu-restore-") as tmp:
        folder = Path(tmp)
        manifest = backup_read(path, folder)
        files = Path(settings.VAR_DIR) / FILES_DIR
        _check_target(manifest["engine"], files)
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            done = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 f"--dbname={_pg_url(db)}", str(folder / "database.dump")],
                env=_pg_env(db), capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"pg_restore failed: {done.stderr.strip()[:500]}")
        else:
            connection.ensure_connection()
            source = sqlite3.connect(folder / "database.sqlite3")
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        if (folder / FILES_DIR).is_dir():
            shutil.copytree(folder / FILES_DIR, files, dirs_exist_ok=True)
    return manifest
