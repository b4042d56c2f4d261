import json
from pathlib import Path

from django.core.management.base import BaseCommand

from kefu.core.errors import KefuError
from kefu.customers.transfer import IMPORT_BATCH, import_customers
from kefu.setup.management.base import command_user, raise_command_error


class Command(BaseCommand):
    help = "Import customers from CSV or XLSX (kefu import customers FILE [--dry-run])."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--on-duplicate", choices=["skip", "create"], default="skip")
        parser.add_argument("--user", help="who the import is recorded as (default: a superuser)")
        parser.add_argument("--json", action="store_true", help="print the whole report as JSON")

    def handle(self, file, dry_run, on_duplicate, user, json, **options):
        path = Path(file)

        def progress(rows: int) -> None:  # a progress line on the terminal, not in the output
            self.stderr.write(f"\r已检查 {rows} 行 / {rows} rows checked", ending="")
            self.stderr.flush()

        try:
            report = import_customers(
                actor=command_user(user),
                filename=path.name,
                content=path.read_bytes(),
                dry_run=dry_run,
                on_duplicate=on_duplicate,
                progress=progress,
                batch_size=None if dry_run else IMPORT_BATCH,
            ).as_dict()
        except KefuError as exc:
            raise_command_error(exc)
        self.stderr.write("")
        if json:
            self.stdout.write(_json(report))
            return
        for err in report["errors"]:
            self.stdout.write(
                f"第 {err['line']} 行 [{err['column']}] {err['message']} / "
                f"line {err['line']} [{err['field']}] {err['message_en']}"
            )
        for dup in report["duplicates"]:
            self.stdout.write(f"第 {dup['line']} 行 重复 {dup['message']} ({dup['action']})")
        self.stdout.write(
            f"{report['status']}: {report['total_rows']} 行 rows, "
            f"{report['created']} 新建 created, "
            f"{report['error_count']} 错误 errors, {report['duplicate_count']} 重复 duplicates, "
            f"{report['empty_rows']} 空行 empty"
        )
        if report["status"] == "rejected":
            raise SystemExit(1)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
