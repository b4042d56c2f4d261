from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin
from kefu.outbound.models import CallCampaign, SalesScript, Segment


@admin.register(SalesScript)
class SalesScriptAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Sales scripts are the center's own words: edited here (history kept)."""

    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "last_count", "counted_at", "created_by"]


@admin.register(CallCampaign)
class CallCampaignAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "starts_on", "ends_on", "list_size"]
    list_filter = ["status", "kind"]
