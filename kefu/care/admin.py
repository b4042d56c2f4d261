"""Admin: templates and care rules are edited here (data per preset, R-6); the message log
is inspected here, with addresses masked."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.care.models import (
    Campaign,
    CareRule,
    InboundSms,
    Message,
    MessageTemplate,
    SmsSurvey,
    SurveyRule,
)
from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin


@admin.register(MessageTemplate)
class MessageTemplateAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "channel", "provider_template")
    list_filter = ("channel",)

    def save_model(self, request, obj, form, change):
        """Saved as written; a forbidden phrase in the text is named with what to say
        instead (R-7.2), as agents are told when they write to customers."""
        super().save_model(request, obj, form, change)
        from django.contrib import messages

        from kefu.core.wording import wording_check

        for warning in wording_check({"subject": obj.subject, "body": obj.body}):
            messages.warning(request, warning.message)


@admin.register(CareRule)
class CareRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "days_before", "template", "active")
    list_filter = ("kind", "active")


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("scheduled_for", "channel", "customer", "status", "skip_reason", "provider")
    list_filter = ("channel", "status", "skip_reason")
    exclude = ("to",)
    raw_id_fields = ("customer",)
    show_full_result_count = False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("key", "target_date", "scheduled_for", "cursor", "done")


@admin.register(SurveyRule)
class SurveyRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "followup_kind", "family", "wait_days", "template", "active")
    list_filter = ("followup_kind", "active")


@admin.register(SmsSurvey)
class SmsSurveyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("sent_at", "followup", "rule", "status", "score", "replied_at")
    list_filter = ("status", "rule")
    exclude = ("phone",)
    show_full_result_count = False


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("received_at", "provider", "outcome", "detail", "customer")
    list_filter = ("outcome", "provider")
    exclude = ("phone",)
    show_full_result_count = False
