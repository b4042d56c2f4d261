"""Admin: follow-up rules and scripts are edited here (data, not code, R-5.1); tasks and
events are inspected here and worked through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyInline, ReadOnlyMixin
from kefu.followups.models import FollowUp, FollowUpAttempt, FollowUpRule, LifecycleEvent, Script


class AttemptInline(ReadOnlyInline):
    model = FollowUpAttempt
    fields = ("at", "outcome", "by", "note")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("due_on", "kind", "customer", "owner", "status", "result")
    list_filter = ("kind", "status", "result", "rule")
    list_select_related = ("customer", "owner")
    raw_id_fields = ("customer", "complaint", "work_order", "event")
    date_hierarchy = "due_on"
    show_full_result_count = False
    inlines = [AttemptInline]


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "family",
        "name",
        "trigger",
        "event_type",
        "offset_days",
        "window_days",
        "sample_percent",
        "owner_mode",
        "active",
    )
    list_filter = ("family", "trigger", "active")


@admin.register(Script)
class ScriptAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name")


@admin.register(LifecycleEvent)
class LifecycleEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "type", "customer", "asset")
    list_filter = ("type",)
    raw_id_fields = ("customer", "asset")
    show_full_result_count = False
