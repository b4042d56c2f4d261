from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import ReadOnlyInline, ReadOnlyMixin
from kefu.tickets.models import EscalationStep, SlaRule, WorkOrder, WorkOrderEvent


@admin.register(SlaRule)
class SlaRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "category",
        "department",
        "priority",
        "dispatch_minutes",
        "resolve_hours",
        "hours_kind",
        "active",
    )
    list_filter = ("category", "hours_kind", "active")


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = ("applies_to", "level", "overdue_minutes", "role")
    list_filter = ("applies_to",)


class EventInline(ReadOnlyInline):
    model = WorkOrderEvent
    fields = ("created_at", "kind", "from_status", "to_status", "actor", "note")


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Inspection only: work orders move through the API and the console (the workflow)."""

    list_display = (
        "number",
        "title",
        "department",
        "assignee",
        "status",
        "due_at",
        "escalation_level",
    )
    list_filter = ("status", "category", "department", "priority")
    search_fields = ("=number",)
    inlines = [EventInline]
