from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.activities.models import Activity, Registration
from kefu.core.admin import ReadOnlyMixin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "starts_at", "place", "capacity", "status"]
    list_filter = ["status", "kind"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["activity", "customer", "status", "source", "guests", "checked_in_at"]
