"""Admin for configuration and inspection; customer edits go through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import ReadOnlyInline, ReadOnlyMixin, ServiceBackedMixin
from kefu.core.errors import KefuError
from kefu.customers import services as svc
from kefu.customers.models import (
    Asset,
    AssetFile,
    Customer,
    DocumentType,
    ImportJob,
    PiiAccessLog,
    ProfileField,
    Tag,
)
from kefu.customers.selectors import customer_search, masked_pii


class AssetInline(ReadOnlyInline):
    model = Asset
    fields = ("kind", "model", "vin", "plate", "delivered_on", "status")
    show_change_link = True


@admin.register(Customer)
class CustomerAdmin(ServiceBackedMixin, SimpleHistoryAdmin):
    list_display = ("number", "name", "masked_phone", "level", "status", "owner", "verification")
    list_filter = ("status", "level", "verification", "kind")
    search_fields = ("=number", "name")
    readonly_fields = (
        "number",
        "name",
        "name_pinyin",
        "masked_phones",
        "masked_id_number",
        "masked_address",
        "birthday",
        "birthday_calendar",
        "gender",
        "owner",
        "assigned_at",
        "first_contact_due_at",
        "first_contacted_at",
        "merged_into",
        "created_at",
        "updated_at",
        "extra",
        "tags_list",
    )
    fields = (
        *readonly_fields,
        "level",
        "source",
        "notes",
        "sms_opt_out",
        "phone_opt_out",
        "status",
    )
    inlines = [AssetInline]
    list_select_related = ("owner",)
    show_full_result_count = False
    actions = ["mark_obsolete"]

    @admin.display(description="电话 phone")
    def masked_phone(self, obj):
        phone = obj.phones.first()
        return masked_pii(obj)["phones"][0] if phone else ""

    @admin.display(description="电话 phones")
    def masked_phones(self, obj):
        return "、".join(masked_pii(obj)["phones"])

    @admin.display(description="身份证号 ID number")
    def masked_id_number(self, obj):
        return masked_pii(obj)["id_number"]

    @admin.display(description="地址 address")
    def masked_address(self, obj):
        return masked_pii(obj)["address"]

    @admin.display(description="标签 tags")
    def tags_list(self, obj):
        return "、".join(t.name for t in obj.tags.all())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version shows personal data unmasked and unlogged: superusers only. Everyone
        else reads the masked before → after in GET /api/v1/customers/{id}/history."""
        if not request.user.is_superuser:
            raise DjangoPermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """The one-box search (R-1.5) instead of the admin's icontains scan of every row."""
        if not search_term.strip():
            return queryset, False
        result = customer_search(
            user=request.user, q=search_term, page_size=100, include_obsolete=True
        )
        return queryset.filter(id__in=[card["id"] for card in result.items]), False

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in form.changed_data if k != "status"}
        try:
            if data:
                svc.customer_update(actor=request.user, customer=obj, data=data)
            if "status" in form.changed_data:
                svc.customer_set_status(
                    actor=request.user, customer=obj, status=form.cleaned_data["status"]
                )
        except KefuError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.action(description="废除所选客户 Mark obsolete")
    def mark_obsolete(self, request, queryset):
        for customer in queryset:
            svc.customer_set_status(
                actor=request.user, customer=customer, status="obsolete", reason="admin action"
            )


@admin.register(Asset)
class AssetAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Inspection only: a VIN or plate changes through the services, which check it and keep
    the search keys (the VIN's last six) in step; the API and the console are the doors."""

    list_display = ("__str__", "kind", "customer", "vin", "plate", "delivered_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("=vin", "=plate", "=reference_no")
    raw_id_fields = ("customer",)
    show_full_result_count = False


@admin.register(AssetFile)
class AssetFileAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Files are opened and their documents received through the services (R-1.4)."""

    list_display = ("asset", "kind", "opened_on", "due_on", "completed_on", "responsible")
    list_filter = ("kind",)
    raw_id_fields = ("asset", "responsible_user")


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("file_kind", "sort", "code", "name", "required", "active")
    list_filter = ("file_kind", "active")
    list_editable = ("sort", "name", "required", "active")


@admin.register(ProfileField)
class ProfileFieldAdmin(admin.ModelAdmin):
    list_display = ("group", "sort", "key", "label", "field_type", "searchable", "active")
    list_filter = ("group", "field_type", "searchable", "active")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "action", "customer", "fields", "count", "channel")
    list_filter = ("action", "channel")
    raw_id_fields = ("customer",)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "filename",
        "user",
        "dry_run",
        "status",
        "total_rows",
        "created_count",
    )
    readonly_fields = (
        "user",
        "filename",
        "dry_run",
        "status",
        "total_rows",
        "created_count",
        "report",
        "created_at",
    )
