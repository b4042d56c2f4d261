"""Server time of every console page and every API list on the benchmark center (issue 9:
p95 ≤ 50 ms at 200,000 work orders, flat from 10,000). In-process through Django's test
client, so the figure is the server's own time: views, queries, templates and JSON, no
network. Pages are asked as the agent, the team lead and a department handler — each sees
other rows.

    python bench/generate.py && python bench/activity.py --work-orders 200000
    python bench/pages_bench.py [--database-url postgres://…/kefu_bench] [--repeat 20]
"""

from __future__ import annotations

import argparse
import time

from common import database_url, django_setup, percentiles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="run the pages whose label holds this text")
    args = parser.parse_args()
    django_setup(args.database_url or database_url("kefu_bench"))
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kefu.accounts.models import User
    from kefu.complaints.models import Complaint
    from kefu.complaints.services import complaint_create
    from kefu.customers.models import Customer, CustomerPhone
    from kefu.followups.models import FollowUp

    call_command("migrate", verbosity=0)  # the bench database may predate new migrations
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    agent = User.objects.get(username="agent1")
    customer = Customer.objects.filter(owner=agent).order_by("id").first()
    phone = CustomerPhone.objects.filter(customer=customer).first().number
    complaint = Complaint.objects.filter(handler=agent).first() or complaint_create(
        actor=agent,
        data={"customer_id": customer.pk, "content": "基准测试投诉", "demand": "—"},
    )
    followup = FollowUp.objects.filter(status="pending").order_by("id").first()
    client = Client()
    client.force_login(agent)
    pages = {
        "workbench /": "/",
        "customer search (HTMX, 王)": ("/customers/?q=王", {"HTTP_HX_REQUEST": "true"}),
        "customer search (HTMX, initials zw)": ("/customers/?q=zw", {"HTTP_HX_REQUEST": "true"}),
        "customer page": f"/customers/{customer.pk}/",
        "incoming call (screen pop)": f"/call/?phone={phone}",
        "complaints": "/complaints/",
        "complaint page": f"/complaints/{complaint.pk}/",
        "work orders": "/work-orders/",
    }
    lead = User.objects.filter(role="team_lead").first() or User.objects.get(username="bench")
    if followup is not None:
        pages["follow-up runner"] = (f"/followups/{followup.pk}/", {"as": lead})
    pages["reports dashboard"] = ("/reports/", {"as": lead})
    handler = User.objects.filter(role="handler").order_by("id").first()
    pages["workbench / (team lead)"] = ("/", {"as": lead})
    pages["work orders (team lead)"] = ("/work-orders/", {"as": lead})
    pages["stalled work orders (team lead)"] = ("/work-orders/?stalled=1", {"as": lead})
    pages["team view (team lead)"] = ("/team/", {"as": lead})
    pages["approvals (team lead)"] = ("/approvals/", {"as": lead})
    pages["notices"] = "/notices/"
    pages["work orders ?q=天窗 漏水"] = ("/work-orders/?q=天窗 漏水&status=", {"as": lead})
    pages["search 天窗 漏水 (top bar)"] = ("/search/?q=天窗 漏水", {"as": lead})
    pages["search 刹车 (top bar)"] = ("/search/?q=刹车", {"as": lead})
    for part in ("orders", "complaints", "contacts"):  # the sections it loads by HTMX
        pages[f"search 天窗 漏水 · {part}"] = (f"/search/?q=天窗 漏水&part={part}", {"as": lead})
    if handler is not None:
        pages["workbench / (department handler)"] = ("/", {"as": handler})
        pages["work orders (department handler)"] = ("/work-orders/", {"as": handler})
    # every API list, as the team lead (the widest view) with a bearer token
    from kefu.accounts.services import token_create

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=lead)}"}
    for label, url in (
        ("API /tickets", "/api/v1/tickets"),
        ("API /tickets?stalled", "/api/v1/tickets?stalled=true"),
        ("API /complaints", "/api/v1/complaints"),
        ("API /complaints?stage=open", "/api/v1/complaints?stage=open"),
        ("API /followups (today)", "/api/v1/followups"),
        ("API /interactions", "/api/v1/interactions"),
        ("API /callbacks?everyone", "/api/v1/callbacks?everyone=true"),
        ("API /care/messages", "/api/v1/care/messages"),
        ("API /customers/search 王", "/api/v1/customers/search?q=王"),
        ("API /notices", "/api/v1/notices"),
        ("API /complaints/approvals", "/api/v1/complaints/approvals"),
        # search by words (issue 11): a selective pair, a common word, in each list
        ("API /tickets?q=天窗 漏水", "/api/v1/tickets?q=天窗 漏水"),
        ("API /tickets?q=异响", "/api/v1/tickets?q=异响"),
        ("API /complaints?q=刹车 失灵", "/api/v1/complaints?q=刹车 失灵"),
        ("API /interactions?q=天窗 漏水", "/api/v1/interactions?q=天窗 漏水"),
        ("API /interactions?q=保养后", "/api/v1/interactions?q=保养后"),
        (
            "API /interactions?q=天窗 漏水 要求赔偿损失",
            "/api/v1/interactions?q=天窗 漏水 要求赔偿损失",
        ),
        # every year, on request (the default searches the last 90 days)
        ("API /interactions?q=天窗 漏水&older", "/api/v1/interactions?q=天窗 漏水&older=true"),
        ("API /interactions?q=保养后&older", "/api/v1/interactions?q=保养后&older=true"),
    ):
        pages[label] = (url, dict(bearer))
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, spec in pages.items():
        if args.only and args.only not in label:
            continue
        url, extra = (spec, {}) if isinstance(spec, str) else spec
        who = extra.pop("as", None)
        c = client
        if who is not None:
            c = Client()
            c.force_login(who)
        samples = []
        for _ in range(args.repeat + 2):
            t0 = time.perf_counter()
            response = c.get(url, **extra)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        stats = percentiles(samples[2:])  # the first two warm the caches
        print(f"{label:<40} {stats['p50']:8.1f} {stats['p95']:8.1f} {max(samples[2:]):8.1f}")


if __name__ == "__main__":
    main()
