"""The report pages every whole-console test visits (no raw codes, accessibility)."""

REPORT_PAGES = [
    "/reports/r/workload/", "/reports/r/followups/?range=this_year&group=month",
    "/reports/r/answer_speed/?range=last_week", "/points/", "/reports/r/work_orders/",
    "/reports/r/complaints/?range=this_year", "/reports/archive/",
    "/reports/r/care/?range=this_year", "/reports/r/quality/?range=this_year", "/wall/",
    "/reports/r/summary/", "/reports/r/customers/", "/reports/r/loyalty/", "/reports/churn/",
    "/reports/churn/no-visit-6m/", "/reports/monthly/",
]  # fmt: skip
