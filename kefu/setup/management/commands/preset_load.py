from django.core.management.base import BaseCommand

from kefu.core.errors import KefuError
from kefu.setup.management.base import raise_command_error
from kefu.setup.services import preset_load


class Command(BaseCommand):
    help = "Load an industry preset (auto, property, home, general) and make it active."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, name, **options):
        try:
            preset = preset_load(code=name)
        except KefuError as exc:
            raise_command_error(exc)
        self.stdout.write(f"已载入行业预设 / preset loaded: {preset}")
