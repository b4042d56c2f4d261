from django.contrib import admin

from kefu.core.models import CenterSetting, HolidayDay, Preset


@admin.register(Preset)
class PresetAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "loaded_at")


@admin.register(CenterSetting)
class CenterSettingAdmin(admin.ModelAdmin):
    list_display = ("name", "preset", "first_contact_hours")


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
