"""Admin: inspection of follow-up tasks; results are recorded through the service."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import ReadOnlyMixin
from kefu.followups.models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("window_start", "kind", "customer", "owner", "status", "result")
    list_filter = ("kind", "status", "result")
    list_select_related = ("customer", "owner")
    raw_id_fields = ("customer", "complaint", "work_order")
    date_hierarchy = "window_start"
