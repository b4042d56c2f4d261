from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin
from kefu.members.models import MemberLevel, Membership, PointsEntry


@admin.register(MemberLevel)
class MemberLevelAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """The club's levels are the center's own rules: edited here (history kept)."""

    list_display = ["name", "code", "rank", "customer_level", "min_spend", "min_years",
                    "card_months", "active"]  # fmt: skip


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["card_no", "level", "status", "joined_on", "expires_on", "club"]
    list_filter = ["status", "level", "club"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["customer", "kind", "points", "reason", "at"]
