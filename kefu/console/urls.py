from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.console.views import (
    approvals,
    calls,
    complaints,
    customers,
    followups,
    inbox,
    reports,
    search,
    team,
    work_orders,
)
from kefu.console.views import workbench as home

urlpatterns = [
    path("", home.workbench, name="workbench"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", home.logout_view, name="logout"),
    path("customers/", customers.customers, name="customers"),
    path("customers/new/", customers.customer_new, name="customer-new"),
    path("customers/<int:customer_id>/", customers.customer, name="customer"),
    path("customers/<int:customer_id>/edit/", customers.customer_edit, name="customer-edit"),
    path("callbacks/<int:task_id>/done/", calls.callback_done, name="callback-done"),
    path(
        "interactions/<int:interaction_id>/complaint/",
        calls.interaction_to_complaint,
        name="interaction-complaint",
    ),
    path("call/", calls.call, name="call"),
    path("complaints/", complaints.complaints, name="complaints"),
    path("complaints/<int:complaint_id>/", complaints.complaint, name="complaint"),
    path("followups/next/", followups.followup_next, name="followup-next"),
    path("followups/<int:followup_id>/", followups.followup, name="followup"),
    path("followups/<int:followup_id>/dial/", followups.followup_dial, name="followup-dial"),
    path("work-orders/", work_orders.work_orders, name="work-orders"),
    path("work-orders/<int:order_id>/", work_orders.work_order, name="work-order"),
    path("import/", customers.import_customers, name="import"),
    path("import/jobs/<int:job_id>/", customers.import_job, name="import-job"),
    path("reports/", reports.reports, name="reports"),
    path("notices/", inbox.notices, name="notices"),
    path("notices/read/", inbox.notices_read, name="notices-read"),
    path("notices/<int:notice_id>/open/", inbox.notice_open, name="notice-open"),
    path("status/", inbox.status_set, name="status"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("team/", team.team, name="team"),
    path("search/", search.search, name="search"),
    path("approvals/<int:proposal_id>/", approvals.decide, name="approval-decide"),
    path("reports/<slug:name>.xlsx", reports.report_xlsx, name="report-xlsx"),
]
