from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kefu.setup.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the center: the database (pg_dump custom format, or SQLite's online backup) "
        "and the stored files, as one .tar with a manifest and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=None, help="folder (default var/backups)")

    def handle(self, out, **options):
        folder = Path(out) if out else Path(settings.VAR_DIR) / "backups"
        path = backup_create(out_dir=folder)
        self.stdout.write(f"备份完成 / backup written: {path} ({path.stat().st_size:,} bytes)")
