from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.activities.models import Activity, Registration


class ReadOnly(SimpleHistoryAdmin):
    """Planned and run in the console and the API (their services check and audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ["name", "kind", "starts_at", "place", "capacity", "status"]
    list_filter = ["status", "kind"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnly):
    list_display = ["activity", "customer", "status", "source", "guests", "checked_in_at"]
