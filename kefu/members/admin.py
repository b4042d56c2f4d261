from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.members.models import MemberLevel, Membership, PointsEntry


@admin.register(MemberLevel)
class MemberLevelAdmin(SimpleHistoryAdmin):
    """The club's levels are the center's own rules: edited here (history kept)."""

    list_display = ["name", "code", "rank", "customer_level", "min_spend", "min_years",
                    "card_months", "active"]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(SimpleHistoryAdmin):
    """Written by the members services (checked and audited), read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnly):
    list_display = ["card_no", "level", "status", "joined_on", "expires_on", "club"]
    list_filter = ["status", "level", "club"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnly):
    list_display = ["customer", "kind", "points", "reason", "at"]
