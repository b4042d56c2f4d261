import datetime as dt
import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.activities.demo import demo_activities
from kefu.care.demo import demo_surveys
from kefu.care.services import care_run
from kefu.complaints.demo import demo_complaints
from kefu.core.services import center_settings
from kefu.customers import choices as c
from kefu.customers.demo import fake_customers_csv
from kefu.customers.models import Asset
from kefu.customers.services import asset_file_open
from kefu.customers.transfer import import_customers
from kefu.followups.events import event_record
from kefu.knowledge.demo import demo_articles, demo_training
from kefu.outbound.demo import demo_outbound
from kefu.quality.demo import demo_transcripts
from kefu.reports.aggregate import window_rebuild
from kefu.reports.analysis import analysis_job
from kefu.reports.points import points_job
from kefu.setup.services import preset_load

DEPARTMENTS = [
    ("cs", "客服部"),
    ("service", "售后服务部"),
    ("sales", "销售部"),
    ("engineering", "工程部"),
    ("admin", "行政部"),
]
# username, display name, role, department, skill level
USERS = [
    ("admin", "系统管理员", Role.ADMIN, "cs", 3),
    ("manager", "王经理", Role.MANAGER, "cs", 5),
    ("gm", "李总", Role.GM, None, 5),
    ("lead", "赵班长", Role.TEAM_LEAD, "cs", 5),
    ("qa", "钱质检", Role.QA, "cs", 4),
    ("agent1", "孙小美", Role.AGENT, "cs", 5),
    ("agent2", "周晓东", Role.AGENT, "cs", 4),
    ("agent3", "吴佳琪", Role.AGENT, "cs", 3),
    ("agent4", "郑浩然", Role.AGENT, "cs", 2),
    ("handler", "冯工", Role.HANDLER, "service", 3),
]


class Command(BaseCommand):
    help = "Load the demo center: preset, departments, a user per role, customers with vehicles."

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="auto")
        parser.add_argument("--customers", type=int, default=2000)

    def handle(self, preset, customers, **options):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("演示数据已存在 / demo center already loaded (admin exists).")
            return
        password = os.environ.get("KEFU_DEMO_PASSWORD") or secrets.token_urlsafe(9)
        with transaction.atomic():
            depts = {
                code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
                for code, name in DEPARTMENTS
            }
            preset_load(code=preset)  # after the departments its rules name
            for username, name, role, dept, skill in USERS:
                user = User(
                    username=username,
                    display_name=name,
                    role=role,
                    department=depts.get(dept),
                    skill_level=skill,
                    is_certified=role == Role.AGENT,
                    is_staff=role in (Role.ADMIN, Role.MANAGER),
                    is_superuser=role == Role.ADMIN,
                )
                user.set_password(password)
                user.save()
            setting = center_settings()
            setting.repair_department = depts["service"]  # 报事报修 → 售后服务部
            setting.correspondence_department = depts["admin"]  # 其他来函 → 行政部
            setting.save()
        admin = User.objects.get(username="admin")
        report = import_customers(
            actor=admin,
            filename="demo.csv",
            dry_run=False,
            content=fake_customers_csv(customers, seed=7, today=timezone.localdate()),
        )
        if report.status != "imported":
            raise CommandError(f"演示数据导入失败 / demo import failed: {report.errors[:3]}")
        self._open_recent_files(admin)
        demo_complaints(
            handler=User.objects.get(username="agent1"), lead=User.objects.get(username="lead")
        )
        self._recent_deliveries(admin)
        self._contacts_with_forbidden_phrases()
        self._qa_samples()
        demo_transcripts()  # three calls with transcripts, one flagged
        demo_articles()  # the knowledge base: published answers, one waiting, one stale
        demo_training()  # a certifying course with its exam, a session, a plan, an exam to grade
        self._roster()
        self._handover()
        demo_outbound()  # a renewal call campaign to members and VIPs, calling
        demo_activities()  # club members with points, a lecture open, a meeting done
        demo_surveys()  # a few follow-ups asked by SMS and the replies
        care_run(timezone.localdate())
        analysis_job()  # every customer's standing and the groups
        window_rebuild()  # the reports' daily figures of the last 35 days (R-8.1)
        points_job()  # this month's and last month's performance points
        self._monthly_report()
        self.stdout.write(f"演示中心已载入 / demo center loaded: {report.created} customers")
        self.stdout.write("用户 users: " + ", ".join(u[0] for u in USERS))
        self.stdout.write(f"密码 password (shown once): {password}")

    def _monthly_report(self):
        """Last month's CS center monthly report, drafted on the 20th and submitted."""
        from kefu.reports.models import MonthlyReport
        from kefu.reports.monthly import monthly_job, monthly_save

        last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=20)
        monthly_job(last_month)
        for report in MonthlyReport.objects.filter(month=last_month.replace(day=1)):
            monthly_save(actor=report.author, report_id=report.pk, submit=True, data={
                "summary": "本月回访按时完成，3 声内接听率保持在 90% 以上。",
                "problems": "个别工单催办后仍超时，售后部门反馈较慢。",
                "plans": "下月起每周一汇总超时工单，与售后服务部共同跟进。"})  # fmt: skip

    def _contacts_with_forbidden_phrases(self):
        """Two agents' contacts whose outcomes hold forbidden phrases (R-7.2): the lead's
        服务用语 page has counts to show."""
        from kefu.interactions.services import interaction_log

        for username, outcome in (
            ("agent1", "这个我也不知道，您自己看说明书"),
            ("agent1", "没办法，这是规定"),
            ("agent2", "我帮您确认一下，明天回电"),
            ("agent2", "这个不行"),
        ):
            interaction_log(
                actor=get_user_model().objects.get(username=username),
                data={"channel": "inbound_call", "category": "consultation",
                      "caller_number": "13900000000", "content": "咨询保养项目",
                      "outcome": outcome},
            )  # fmt: skip

    def _handover(self):
        """agent1 hands over to agent2 (R-7.3): drafted and confirmed by agent1, waiting for
        agent2's own confirmation — the handover page and the taker's notice have a row."""
        from kefu.quality.handover import handover_confirm, handover_draft

        User = get_user_model()
        giver = User.objects.get(username="agent1")
        notes = "张先生的报价明早回电；异响车辆周三到店"
        draft = handover_draft(actor=giver, data={"taker": "agent2", "notes": notes})
        handover_confirm(actor=giver, handover_id=draft.pk)

    def _roster(self):
        """This week's roster (R-7.6): agents 1–2 early, 3–4 the middle shift."""
        from kefu.quality.roster import roster_set

        lead = get_user_model().objects.get(username="lead")
        monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
        for username, shift in (
            ("agent1", "early"),
            ("agent2", "early"),
            ("agent3", "middle"),
            ("agent4", "middle"),
        ):
            roster_set(
                actor=lead,
                data={
                    "user": username,
                    "shift": shift,
                    "start": monday.isoformat(),
                    "end": (monday + dt.timedelta(days=6)).isoformat(),
                },
            )

    def _qa_samples(self):
        """This month's QA samples of the demo contacts (R-7.1): two per agent, the first
        scored, so the inspector's workbench and an agent's results have rows."""
        from kefu.quality.inspections import inspection_score, month_of, samples_draw
        from kefu.quality.models import Inspection

        inspector = get_user_model().objects.get(username="qa")
        samples_draw(actor=inspector, month=month_of(None), per_agent=2)
        first = Inspection.objects.order_by("id").first()
        if first is not None:
            scores = {str(item.pk): item.points - (4 if item.name == "服务用语" else 0)
                      for item in first.form.items.all()}  # fmt: skip
            inspection_score(actor=inspector, inspection_id=first.pk,
                             data={"scores": scores, "comment": "答复中出现禁忌用语"})  # fmt: skip

    def _recent_deliveries(self, admin):
        """Delivery events of the last five weeks: their 7DC and 1-month follow-ups."""
        since = timezone.localdate() - timezone.timedelta(days=35)
        for asset in Asset.objects.filter(kind=c.AssetKind.VEHICLE, delivered_on__gte=since):
            event_record(
                actor=admin,
                data={
                    "type": "delivery",
                    "customer_id": asset.customer_id,
                    "asset_id": asset.pk,
                    "occurred_at": f"{asset.delivered_on}T10:00:00+08:00",
                    "external_id": f"demo-{asset.pk}",
                },
            )

    def _open_recent_files(self, admin):
        since = timezone.localdate() - timezone.timedelta(days=14)
        for asset in Asset.objects.filter(
            kind=c.AssetKind.VEHICLE, delivered_on__gte=since, customer__status=c.Status.ACTIVE
        ):
            asset_file_open(
                actor=admin,
                asset=asset,
                kind=c.FileKind.SALES,
                opened_on=asset.delivered_on,
                responsible=asset.salesperson,
            )
