"""Admin: the performance-point rules are the center's data (R-8.3); the computed points
and the adjustments are read here, changed only through their services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin
from kefu.reports.models import (
    ChurnRule,
    PointAdjustment,
    PointRule,
    ReportArchive,
    ScheduledReport,
)


@admin.register(PointRule)
class PointRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "threshold", "points", "active")
    list_filter = ("kind", "active")


@admin.register(PointAdjustment)
class PointAdjustmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("agent", "month", "points", "status", "requested_by", "decided_by")
    list_filter = ("status",)


@admin.register(ScheduledReport)
class ScheduledReportAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Which report is sent when, to whom (one e-mail a line)."""

    list_display = ("code", "name", "report", "range", "every", "day", "active")


@admin.register(ReportArchive)
class ReportArchiveAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "stamp", "sent_to", "error", "made_at")
    exclude = ("content",)


@admin.register(ChurnRule)
class ChurnRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """When a customer counts as lost, and the follow-up rule of its win-back calls."""

    list_display = ("code", "name", "kind", "months", "active")
    list_filter = ("kind", "active")
