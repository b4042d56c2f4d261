from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import KefuError
from kefu.setup.backup import backup_restore
from kefu.setup.management.base import raise_command_error


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kefu backup` into an empty database and files folder "
        "(every checksum is checked first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"没有这个文件 / no such file: {file}")
        try:
            manifest = backup_restore(path=path)
        except KefuError as exc:
            raise_command_error(exc)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已恢复 / restored: {manifest['created_at']} ({manifest['engine']}, "
            f"{len(manifest['tables'])} tables, {rows:,} rows)"
        )
