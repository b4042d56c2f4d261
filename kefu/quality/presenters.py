"""How the quality app's records are shown, by the API and the console alike."""

from __future__ import annotations

from django.utils import timezone

from kefu.quality.models import ForbiddenPhrase, PhraseHit


def phrase_payload(p: ForbiddenPhrase) -> dict:
    return {"id": p.pk, "phrase": p.phrase, "reason": p.reason, "instead": p.instead,
            "active": p.active}  # fmt: skip


def hit_payload(h: PhraseHit) -> dict:
    label = h.get_written_in_display()
    zh, _, en = label.partition(" ")
    return {
        "id": h.pk,
        "agent": h.agent.username,
        "agent_name": h.agent.display_name or h.agent.username,
        "phrase": h.phrase_text,
        "written_in": h.written_in,
        "written_in_label": zh,
        "written_in_label_en": en,
        "record_id": h.record_id,
        "field": h.field,
        "excerpt": h.excerpt,
        "at": timezone.localtime(h.at),
    }
