from pathlib import Path

from django.core.management.base import BaseCommand

from kefu.core.errors import KefuError
from kefu.core.services import holidays_import
from kefu.setup.management.base import raise_command_error


class Command(BaseCommand):
    help = "Import holiday days from CSV: date,is_workday(0/1 or 休/班),name (R-0.6)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            count = holidays_import(text=Path(file).read_text(encoding="utf-8-sig"))
        except KefuError as exc:
            raise_command_error(exc)
        self.stdout.write(f"已导入 {count} 天 / imported {count} days")
