"""How articles are shown, by the API and the console alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.core.inputs import label_halves
from kefu.interactions.choices import Category
from kefu.knowledge.models import Article

EXCERPT = 120


def article_payload(a: Article, *, detail: bool = False) -> dict[str, Any]:
    status, status_en = label_halves(a.get_status_display())
    category = label_halves(Category(a.category).label) if a.category else ("", "")
    out: dict[str, Any] = {
        "id": a.pk,
        "question": a.question,
        "answer": a.answer if detail else a.answer[:EXCERPT],
        "category": a.category,
        "category_label": category[0],
        "category_label_en": category[1],
        "tags": a.tags.split() if a.tags else [],
        "applies_to": a.applies_to,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "status": a.status,
        "status_label": status,
        "status_label_en": status_en,
        "version": a.version,
        "author": a.author.display_name or a.author.username,
        "uses": a.uses,
        "helpful": a.helpful,
        "unhelpful": a.unhelpful,
        "reviewed_at": timezone.localtime(a.reviewed_at) if a.reviewed_at else None,
        "review_note": a.review_note,
        "proposal": a.proposal or None,
    }
    return out
