from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.console import views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("customers/", views.customers, name="customers"),
    path("customers/new/", views.customer_new, name="customer-new"),
    path("customers/<int:customer_id>/", views.customer, name="customer"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path("callbacks/<int:task_id>/done/", views.callback_done, name="callback-done"),
    path(
        "interactions/<int:interaction_id>/complaint/",
        views.interaction_to_complaint,
        name="interaction-complaint",
    ),
    path("call/", views.call, name="call"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:complaint_id>/", views.complaint, name="complaint"),
    path("followups/next/", views.followup_next, name="followup-next"),
    path("followups/<int:followup_id>/", views.followup, name="followup"),
    path("work-orders/", views.work_orders, name="work-orders"),
    path("work-orders/<int:order_id>/", views.work_order, name="work-order"),
    path("import/", views.import_customers, name="import"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:name>.xlsx", views.report_xlsx, name="report-xlsx"),
]
