from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.outbound.models import CallCampaign, SalesScript, Segment


@admin.register(SalesScript)
class SalesScriptAdmin(SimpleHistoryAdmin):
    """Sales scripts are the center's own words: edited here (history kept)."""

    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(SimpleHistoryAdmin):
    """Made and changed in the console and the API (their services check and audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Segment)
class SegmentAdmin(ReadOnly):
    list_display = ["name", "last_count", "counted_at", "created_by"]


@admin.register(CallCampaign)
class CallCampaignAdmin(ReadOnly):
    list_display = ["name", "kind", "status", "starts_on", "ends_on", "list_size"]
    list_filter = ["status", "kind"]
