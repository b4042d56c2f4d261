"""The report pages every whole-console test visits (no raw codes, accessibility)."""

REPORT_PAGES = [
    "/reports/r/workload/", "/reports/r/followups/?range=this_year&group=month",
    "/reports/r/answer_speed/?range=last_week", "/points/", "/reports/r/work_orders/",
    "/reports/r/complaints/?range=this_year", "/reports/archive/",
    "/reports/r/care/?range=this_year", "/reports/r/quality/?range=this_year", "/wall/",
    "/reports/r/summary/", "/reports/r/customers/", "/reports/r/loyalty/", "/reports/churn/",
    "/reports/churn/no-visit-6m/", "/reports/monthly/",
]  # fmt: skip


def outbound_pages() -> list[str]:
    """The outbound pages (R-9.3) of the demo center: the lists, a segment, a campaign, a
    call on the runner."""
    from kefu.outbound.models import CallCampaign, CampaignCall, Segment

    urls = ["/outbound/", "/outbound/segments/new/", "/outbound/campaigns/new/"]
    urls += [f"/outbound/segments/{pk}/" for pk in Segment.objects.values_list("pk", flat=True)[:1]]
    urls += [f"/outbound/campaigns/{pk}/"
             for pk in CallCampaign.objects.values_list("pk", flat=True)[:1]]  # fmt: skip
    urls += [f"/outbound/calls/{pk}/" for pk in CampaignCall.objects.filter(status="pending")
             .values_list("pk", flat=True)[:1]]  # fmt: skip
    from kefu.activities.models import Activity

    urls += ["/activities/", "/activities/new/", "/followups/replies/"]
    urls += [f"/activities/{pk}/" for pk in Activity.objects.values_list("pk", flat=True)[:2]]
    from kefu.customers.models import Customer

    # a person's requests under PIPL, with a customer found
    urls += ["/privacy/"] + [f"/privacy/?number={n}" for n in
                             Customer.objects.values_list("number", flat=True)[:1]]  # fmt: skip
    return urls
