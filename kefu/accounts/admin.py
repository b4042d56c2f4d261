from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kefu.accounts.models import ApiToken, Department, User
from kefu.accounts.services import token_revoke


@admin.register(User)
class KefuUserAdmin(UserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "department",
        "skill_level",
        "is_certified",
        "certified_until",
        "is_active",
    )
    list_filter = ("role", "department", "is_certified", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "客服 CS",
            {
                "fields": (
                    "role",
                    "department",
                    "display_name",
                    "skill_level",
                    "is_certified",
                    "certified_until",
                    "accepts_customers",
                )
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens come from `kefu token create`, which shows the raw value once

    @admin.action(description="吊销所选令牌 Revoke")
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
