from django.core.management.base import BaseCommand

from kefu.core.errors import KefuError
from kefu.setup.management.base import raise_command_error
from kefu.setup.services import preset_load


class Command(BaseCommand):
    help = (
        "Load an industry preset (auto, property, home, general) and make it active. "
        "Switching a live center stops the old preset's rules; --force even while they "
        "still have follow-ups to call."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--force", action="store_true", help="replace even while old rules have open tasks"
        )

    def handle(self, name, force, **options):
        try:
            preset = preset_load(code=name, force=force)
        except KefuError as exc:
            raise_command_error(exc)
        self.stdout.write(f"已载入行业预设 / preset loaded: {preset}")
        r = preset.replaced
        if r.get("from"):
            self.stdout.write(
                f"已替换 {r['from']}：停用 {r['followup_rules']} 条回访规则、"
                f"{r['care_rules']} 条关怀规则（{r['open_followups']} 个待回访任务仍需完成）/ "
                f"replaced {r['from']}: {r['followup_rules']} follow-up rules and "
                f"{r['care_rules']} care rules stopped ({r['open_followups']} open follow-ups "
                "still to call)"
            )
