"""The work a center accumulates beside its archive, in realistic proportions, for the list
benchmarks: per 200,000 work orders (two years of a large center) about 3 % still open,
600,000 timeline events (a few urged), 20,000 complaints with their stage records, 500,000
contacts, 300,000 follow-ups (7DC, 3DC, 1 month … a day's worth due today) and 5,000 open
callbacks.

    python bench/activity.py --work-orders 200000 [--database-url postgres://…/kefu_bench]

Written with bulk_create in batches (the models' own defaults and choices), then the
creation times spread over the two years with one UPDATE each. Run after generate.py;
each kind of row is loaded once (a kind already there is skipped, so a broken run resumes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from common import database_url, django_setup, ensure_database

BATCH = 5_000
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DEPARTMENTS = [("service", "售后服务部"), ("sales", "销售部"), ("parts", "配件部"),
               ("finance", "财务部"), ("admin", "行政部")]  # fmt: skip
TITLES = ["空调不制冷", "车门异响", "保养预约改期", "发票补开", "配件到货通知", "车漆划痕",
          "导航升级", "保险理赔资料", "钥匙补配", "轮胎鼓包"]  # fmt: skip
# What customers report, cut into parts a sentence is made of: searches by words (issue 11)
# then meet the selectivity of real text, not one phrase on every row.
PARTS = ["发动机", "变速箱", "空调", "刹车", "轮胎", "雨刮", "车窗", "中控屏", "倒车雷达",
         "座椅", "方向盘", "大灯", "天窗", "车门", "后视镜", "蓄电池", "机油", "底盘",
         "排气管", "导航", "喇叭", "安全带", "油箱盖", "后备箱", "仪表盘"]  # fmt: skip
SYMPTOMS = ["异响", "漏水", "不制冷", "抖动", "报警", "失灵", "漏油", "无法启动", "有异味",
            "松动", "磨损", "划痕", "黑屏", "卡顿", "发热"]  # fmt: skip
WHEN = ["保养后", "洗车后", "高速行驶时", "冷车启动时", "下雨天", "维修后第二天", "提车三天",
        "停车一夜后", "开空调时", "过减速带时"]  # fmt: skip
DEMANDS = ["要求免费检修", "希望尽快处理", "要求赔偿损失", "要求更换新件", "对服务顾问态度不满",
           "等待时间太长", "要求退还维修费", "希望安排上门服务", "要求书面答复"]  # fmt: skip


def said(rnd) -> str:
    """One customer's report: when, what part, what symptom, what they want."""
    return f"{rnd.choice(WHEN)}{rnd.choice(PARTS)}{rnd.choice(SYMPTOMS)}，{rnd.choice(DEMANDS)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-orders", type=int, default=200_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--contacts",
        type=int,
        default=None,
        help="contacts (default 2.5 per work order); a larger number grows an existing set",
    )
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load(args.work_orders, random.Random(args.seed), args.contacts)
    print(
        f"loaded the activity of {args.work_orders:,} work orders in "
        f"{time.perf_counter() - started:.1f}s"
    )


def _chunks(rows, model, **kwargs) -> int:
    n = 0
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH], **kwargs)
        n += len(rows[i : i + BATCH])
    return n


def load(orders: int, rnd: random.Random, contacts_n: int | None = None) -> None:
    from django.db import connection

    from kefu.accounts.choices import Role
    from kefu.accounts.models import Department, User
    from kefu.customers.models import Customer

    depts = [Department.objects.get_or_create(code=c, defaults={"name": n})[0]
             for c, n in DEPARTMENTS]  # fmt: skip
    handlers = {
        d.pk: [
            User.objects.get_or_create(
                username=f"{d.code}{i}",
                defaults={"role": Role.HANDLER, "department": d, "display_name": f"{d.name}{i}"},
            )[0]
            for i in range(1, 6)
        ]
        for d in depts
    }
    User.objects.get_or_create(username="lead1", defaults={"role": Role.TEAM_LEAD})
    agents = list(User.objects.filter(role=Role.AGENT).order_by("id"))
    max_customer = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 1
    from kefu.complaints.models import Complaint
    from kefu.followups.models import FollowUp
    from kefu.interactions.models import CallbackTask, Interaction
    from kefu.tickets.models import WorkOrder

    scale = orders / 200_000
    for model, load_kind, n in (
        (WorkOrder, work_orders, orders),
        (Complaint, complaints, int(20_000 * scale)),
        (Interaction, contacts, contacts_n or int(500_000 * scale)),
        (FollowUp, followups, int(300_000 * scale)),
        (CallbackTask, callbacks, int(5_000 * scale)),
    ):
        if model is Interaction and contacts_n and model.objects.exists():
            have = model.objects.count()  # grow the contacts to the size asked for
            if have < contacts_n:
                contacts(contacts_n - have, rnd, agents, max_customer)
            continue
        if model.objects.exists():
            print(f"  {model._meta.verbose_name_plural}: there already", flush=True)
            continue
        if load_kind is work_orders:
            work_orders(n, rnd, depts, handlers, agents, max_customer)
        elif load_kind is complaints:
            complaints(n, rnd, depts, agents, max_customer)
        else:
            load_kind(n, rnd, agents, max_customer)
    from kefu.interactions.recent import search_age

    # rows written in bulk skip the model's save: the daily job marks the recent ones, as it
    # would in a center after an import
    started = time.perf_counter()
    print(f"  {search_age()} ({time.perf_counter() - started:.0f}s)", flush=True)
    with connection.cursor() as cur:
        for table in ("tickets_workorder", "tickets_workorderevent", "complaints_complaint",
                      "complaints_complaintstagerecord", "interactions_interaction",
                      "followups_followup", "interactions_callbacktask"):  # fmt: skip
            cur.execute(f"VACUUM ANALYZE {table}")


def _when(rnd: random.Random, days: int = 730) -> dt.datetime:
    return NOW - dt.timedelta(minutes=rnd.randrange(days * 24 * 60))


def work_orders(n, rnd, depts, handlers, agents, max_customer) -> None:
    from django.db import connection

    from kefu.core.search import words_of
    from kefu.tickets.models import WorkOrder, WorkOrderEvent

    open_states = ["new", "dispatched", "in_progress", "reopened"]
    rows = []
    for i in range(1, n + 1):
        created = _when(rnd)
        dept = depts[rnd.randrange(len(depts))]
        is_open = rnd.random() < 0.03 or created > NOW - dt.timedelta(days=3)
        status = (
            rnd.choice(open_states) if is_open else rnd.choice(["verified"] * 9 + ["cancelled"])
        )
        title, description = rnd.choice(TITLES), said(rnd)
        rows.append(
            WorkOrder(
                number=f"GD{i:08d}",
                category=rnd.choice(["fault", "fault", "other"]),
                title=title,
                description=description,
                search_words=words_of(f"GD{i:08d}", title, description),
                customer_id=rnd.randrange(1, max_customer + 1),
                department=dept,
                assignee=None if status == "new" else rnd.choice(handlers[dept.pk]),
                priority="normal",
                status=status,
                dispatch_due_at=created + dt.timedelta(hours=2),
                due_at=created + dt.timedelta(hours=rnd.choice([24, 48, 72])),
                created_by=rnd.choice(agents),
            )
        )
    _chunks(rows, WorkOrder)
    ids = list(WorkOrder.objects.order_by("id").values_list("id", "status"))
    events = []
    for pk, status in ids:
        events.append(WorkOrderEvent(work_order_id=pk, kind="created", to_status="new"))
        if status != "new":
            events.append(
                WorkOrderEvent(
                    work_order_id=pk, kind="transition", from_status="new", to_status="dispatched"
                )
            )
        if status in ("verified", "cancelled"):
            events.append(WorkOrderEvent(work_order_id=pk, kind="transition", to_status=status))
        if status in open_states and rnd.random() < 0.2:
            events.append(WorkOrderEvent(work_order_id=pk, kind="urge", note="请尽快处理"))
    _chunks(events, WorkOrderEvent)
    with connection.cursor() as cur:  # spread the creation times over two years
        cur.execute(
            "UPDATE tickets_workorder SET created_at = due_at - interval '2 days', "
            "updated_at = due_at - interval '1 day'"
        )
    print(f"  {len(rows):,} work orders, {len(events):,} events", flush=True)


def complaints(n, rnd, depts, agents, max_customer) -> None:
    from kefu.complaints.models import Complaint, ComplaintStageRecord
    from kefu.core.search import words_of

    stages = ["judgment", "investigation", "solution", "implementation", "review"]
    rows = []
    for i in range(1, n + 1):
        received = _when(rnd)
        is_open = rnd.random() < 0.02 or received > NOW - dt.timedelta(days=5)
        stage = rnd.choice(stages) if is_open else "closed"
        rows.append(
            Complaint(
                number=f"TS{i:08d}",
                customer_id=rnd.randrange(1, max_customer + 1),
                complainant_name="顾客",
                channel="inbound_call",
                received_at=received,
                content=(content := said(rnd) + "，多次处理未果"),
                search_words=words_of(f"TS{i:08d}", "顾客", content),
                handler=(agent := rnd.choice(agents)),
                created_by=agent,
                stage=stage,
                outcome="" if is_open else "resolved",
                stage_entered_at=received,
                stage_due_at=received + dt.timedelta(days=2) if is_open else None,
                department=rnd.choice(depts),
                complaint_class=rnd.choice(["repair_quality", "service_attitude", "price"]),
                closed_at=None if is_open else received + dt.timedelta(days=4),
            )
        )
    _chunks(rows, Complaint)
    records = [
        ComplaintStageRecord(complaint_id=pk, stage=s, entered_at=at, completed_at=at)
        for pk, at in Complaint.objects.values_list("id", "received_at")
        for s in ("intake", "judgment", "investigation")
    ]
    _chunks(records, ComplaintStageRecord)
    print(f"  {len(rows):,} complaints, {len(records):,} stage records", flush=True)


def contacts(n, rnd, agents, max_customer) -> None:
    from kefu.core.search import words_of
    from kefu.interactions.models import Interaction

    rows, written = [], 0
    from kefu.interactions.models import search_cutoff

    recent_from = search_cutoff()
    cut: dict[str, str] = {}  # 33,750 sentences at most: each cut by jieba once
    for _ in range(n):
        content = said(rnd)
        if content not in cut:
            cut[content] = words_of(content)
        rows.append(
            Interaction(
                channel=rnd.choice(["inbound_call"] * 8 + ["visit", "letter"]),
                category=rnd.choice(["consultation"] * 6 + ["repair", "suggestion", "praise"]),
                customer_id=rnd.randrange(1, max_customer + 1),
                content=content,
                search_words=cut[content],
                agent=rnd.choice(agents),
                occurred_at=(when := _when(rnd)),
                search_recent=when >= recent_from,  # as the model's save would mark it
                routing="none",
            )
        )
        if len(rows) >= 50_000:  # millions of contacts: written as they are made
            written += _chunks(rows, Interaction)
            rows = []
    written += _chunks(rows, Interaction)
    print(f"  {written:,} contacts", flush=True)


def followups(n, rnd, agents, max_customer) -> None:
    from kefu.followups.models import FollowUp

    families = ["7DC"] * 4 + ["3DC"] * 3 + ["1M"] * 2 + ["1Y"]
    rows = []
    for i in range(n):
        due = TODAY - dt.timedelta(days=rnd.randrange(730))
        pending = due >= TODAY - dt.timedelta(days=2) or rnd.random() < 0.01
        rows.append(
            FollowUp(
                kind="rule",
                family=rnd.choice(families),
                source_key=f"bench:{i}",
                customer_id=rnd.randrange(1, max_customer + 1),
                owner=rnd.choice(agents),
                due_on=due,
                due_by=due + dt.timedelta(days=1),
                status="pending" if pending else "done",
                result="" if pending else rnd.choice(["satisfied"] * 9 + ["unsatisfied"]),
            )
        )
    for i in range(max(1, n // 300)):  # today's calls
        rows.append(
            FollowUp(
                kind="rule",
                family="7DC",
                source_key=f"bench:today:{i}",
                customer_id=rnd.randrange(1, max_customer + 1),
                owner=rnd.choice(agents),
                due_on=TODAY,
                due_by=TODAY + dt.timedelta(days=1),
            )
        )
    _chunks(rows, FollowUp)
    print(f"  {len(rows):,} follow-ups", flush=True)


def callbacks(n, rnd, agents, max_customer) -> None:
    from kefu.interactions.models import CallbackTask

    rows = [
        CallbackTask(
            kind="callback",
            status="open",
            customer_id=rnd.randrange(1, max_customer + 1),
            assignee=rnd.choice(agents),
            due_at=NOW + dt.timedelta(minutes=rnd.randrange(-600, 6000)),
            note="回电告知进度",
        )
        for _ in range(n)
    ]
    _chunks(rows, CallbackTask)
    print(f"  {len(rows):,} open callbacks", flush=True)


if __name__ == "__main__":
    main()
