"""Admin: inspection of contacts and tasks; writes go through the services and the API."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import ReadOnlyMixin
from kefu.customers.validation import mask_phone
from kefu.interactions.models import CallbackTask, Interaction, Notice, PraiseRecord


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = (
        "occurred_at",
        "channel",
        "category",
        "customer",
        "masked_caller",
        "agent",
        "routing",
    )
    list_filter = ("channel", "category", "routing")
    list_select_related = ("customer", "agent")
    raw_id_fields = ("customer",)
    exclude = ("caller_number",)
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    @admin.display(description="来电号码 caller")
    def masked_caller(self, obj):
        return mask_phone(obj.caller_number) if obj.caller_number else ""


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("due_at", "kind", "status", "assignee", "customer")
    list_filter = ("kind", "status")
    list_select_related = ("assignee", "customer")
    exclude = ("caller_number",)


@admin.register(PraiseRecord)
class PraiseRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "employee", "department")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "department", "user", "text", "read_at")
    list_filter = ("kind", "department")
