"""Admin: the forbidden-phrase list is edited here as well as on the console page (R-7.2);
where phrases were used is inspected, never edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin
from kefu.quality.models import (
    EvaluationForm,
    EvaluationItem,
    ForbiddenPhrase,
    PhraseHit,
    Shift,
    Transcript,
    TranscriptRule,
)


@admin.register(ForbiddenPhrase)
class ForbiddenPhraseAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("phrase", "reason", "instead", "active")
    list_filter = ("active",)
    search_fields = ("phrase",)


@admin.register(PhraseHit)
class PhraseHitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "agent", "phrase_text", "written_in", "record_id", "field")
    list_filter = ("written_in",)
    raw_id_fields = ("agent", "phrase")
    show_full_result_count = False


@admin.register(Shift)
class ShiftAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "starts", "ends", "seats")


class EvaluationItemInline(admin.TabularInline):
    model = EvaluationItem
    extra = 0
    fields = ("order", "section", "name", "description", "points")


@admin.register(EvaluationForm)
class EvaluationFormAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """The QA evaluation form and its items (R-7.1): data the administrator edits."""

    list_display = ("code", "name", "active")
    inlines = [EvaluationItemInline]


@admin.register(TranscriptRule)
class TranscriptRuleAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """The automatic QA rules of transcripts (R-7.5): words one per line; points below zero
    deduct from the item, above zero give back."""

    list_display = ("code", "name", "kind", "seconds", "item", "points", "flags", "active")
    list_filter = ("kind", "active", "flags")


@admin.register(Transcript)
class TranscriptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("interaction", "source", "score", "flagged", "received_at")
    list_filter = ("flagged", "source")
    raw_id_fields = ("interaction",)
    show_full_result_count = False
