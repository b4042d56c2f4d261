"""Admin: the forbidden-phrase list is edited here as well as on the console page (R-7.2);
where phrases were used is inspected, never edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kefu.core.admin import NoDeleteMixin, ReadOnlyMixin
from kefu.quality.models import ForbiddenPhrase, PhraseHit, Shift


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
