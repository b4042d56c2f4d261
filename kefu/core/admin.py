from django.contrib import admin, messages
from django.utils import timezone

from kefu.core.calendar import coverage_warnings
from kefu.core.models import CenterSetting, HolidayDay, Preset


class NoDeleteMixin:
    """Nothing is hard-deleted by a user (R-0.3): obsolete is a status."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    """Inspection only: these records change through their services (API, console)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceBackedMixin(NoDeleteMixin):
    """An admin whose saves go through the model's services (checks, derived keys, audit):
    the admin must override `save_model` (checked by the architecture tests)."""

    service_backed = True

    def has_add_permission(self, request):
        return False  # created through the API, the console or an import (validated paths)


class ReadOnlyInline(admin.TabularInline):
    """A timeline or child list shown on its parent's page, never edited there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Preset)
class PresetAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "loaded_at")


@admin.register(CenterSetting)
class CenterSettingAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "preset",
        "first_contact_hours",
        "answer_seconds",
        "correspondence_department",
    )


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        for warning in coverage_warnings(timezone.localdate()):
            self.message_user(request, warning, messages.WARNING)
        return super().changelist_view(request, extra_context)
