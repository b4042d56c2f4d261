"""Admin: complaint policy (stage limits, approval limits) is edited here; complaints are
inspected here and worked through the services (API, console)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.complaints.models import (
    ApprovalLimit,
    Complaint,
    ComplaintEvent,
    ComplaintProposal,
    ComplaintStageRecord,
    StageLimit,
)
from kefu.core.admin import NoDeleteMixin, ReadOnlyInline, ReadOnlyMixin
from kefu.customers.validation import mask_phone


class StageInline(ReadOnlyInline):
    model = ComplaintStageRecord
    fields = ("stage", "round", "entered_at", "due_at", "completed_at", "completed_by", "data")


class ProposalInline(ReadOnlyInline):
    model = ComplaintProposal
    fields = ("round", "text", "compensation_amount", "status", "decided_by", "decided_at")


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("created_at", "kind", "from_stage", "to_stage", "actor", "note")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = (
        "number",
        "received_at",
        "complainant_name",
        "masked_phone",
        "stage",
        "outcome",
        "complaint_class",
        "department",
        "handler",
        "escalation_level",
    )
    list_filter = ("stage", "outcome", "complaint_class", "department", "channel")
    list_select_related = ("department", "handler")
    search_fields = ("=number", "complainant_name")
    exclude = ("complainant_phone",)
    readonly_fields = ("masked_phone",)
    raw_id_fields = ("customer", "interaction")
    date_hierarchy = "received_at"
    inlines = (StageInline, ProposalInline, EventInline)

    @admin.display(description="电话 phone")
    def masked_phone(self, obj):
        return mask_phone(obj.complainant_phone) if obj.complainant_phone else ""


@admin.register(StageLimit)
class StageLimitAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("stage", "hours", "hours_kind")


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("role", "max_amount")
