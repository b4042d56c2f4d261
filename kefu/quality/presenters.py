"""How the quality app's records are shown, by the API and the console alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.core.inputs import label_halves
from kefu.quality import choices as ch
from kefu.quality.models import (
    ForbiddenPhrase,
    Handover,
    Inspection,
    PhraseHit,
    Transcript,
    TranscriptRule,
)


def phrase_payload(p: ForbiddenPhrase) -> dict:
    return {"id": p.pk, "phrase": p.phrase, "reason": p.reason, "instead": p.instead,
            "active": p.active}  # fmt: skip


def hit_payload(h: PhraseHit) -> dict:
    zh, en = label_halves(h.get_written_in_display())
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


def inspection_payload(i: Inspection, *, detail: bool = False) -> dict[str, Any]:
    status, status_en = label_halves(i.get_status_display())
    decision, decision_en = label_halves(i.get_decision_display()) if i.decision else ("", "")
    contact = i.interaction
    out: dict[str, Any] = {
        "id": i.pk,
        "agent": i.agent.username,
        "agent_name": i.agent.display_name or i.agent.username,
        "month": f"{i.month:%Y-%m}",
        "status": i.status,
        "status_label": status,
        "status_label_en": status_en,
        "interaction_id": i.interaction_id,
        "occurred_at": timezone.localtime(contact.occurred_at),
        "channel_label": label_halves(contact.get_channel_display())[0],
        "score": i.score,
        "total": i.form.total,
        "comment": i.comment,
        "inspector_name": (i.inspector.display_name or i.inspector.username) if i.inspector else "",
        "appeal_reason": i.appeal_reason,
        "decision": i.decision,
        "decision_label": decision,
        "decision_label_en": decision_en,
        "decision_note": i.decision_note,
        "flagged": i.flagged,
    }
    if detail:
        given = {s.item_id: s for s in i.scores.all()}
        out["contact"] = {
            "content": contact.content,
            "demand": contact.demand,
            "outcome": contact.outcome,
            "category_label": label_halves(contact.get_category_display())[0],
            "call_id": contact.call_id or "",
        }
        out["items"] = [
            {"id": item.pk, "section": item.section, "name": item.name,
             "description": item.description, "points": item.points,
             "given": given[item.pk].points if item.pk in given else None,
             "comment": given[item.pk].comment if item.pk in given else ""}
            for item in i.form.items.all()
        ]  # fmt: skip
        transcript = Transcript.objects.filter(interaction_id=i.interaction_id).first()
        out["transcript"] = transcript_payload(transcript) if transcript else None
        suggested = transcript.item_points if transcript else {}
        for item in out["items"]:
            item["suggested"] = suggested.get(str(item["id"]))
    return out


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def rule_payload(r: TranscriptRule) -> dict[str, Any]:
    return {
        "id": r.pk, "code": r.code, "name": r.name, "kind": r.kind,
        "kind_label": label_halves(r.get_kind_display())[0],
        "kind_label_en": label_halves(r.get_kind_display())[1],
        "words": [w for w in r.words.splitlines() if w],
        "seconds": r.seconds, "item": r.item.name if r.item else "", "points": r.points,
        "flags": r.flags, "active": r.active,
    }  # fmt: skip


def transcript_payload(t: Transcript, *, sentences: bool = True) -> dict[str, Any]:
    """A call's transcript and its automatic QA, ready to read: each sentence with who said
    it and when (mm:ss), marked where a rule fired; each finding with its label."""
    marked = {h["at"] for f in t.findings for h in f["hits"]}
    findings = []
    for f in t.findings:
        kind, kind_en = label_halves(ch.RuleKind(f["kind"]).label)
        findings.append({**f, "kind_label": kind, "kind_label_en": kind_en,
                         "hits": [{**h, "clock": _clock(h["at"])} for h in f["hits"]]})  # fmt: skip
    speakers = {k: label_halves(v) for k, v in ch.Speaker.choices}
    return {
        "interaction_id": t.interaction_id,
        "source": t.source,
        "recording_url": t.recording_url,
        "seconds": t.seconds,
        "length": _clock(t.seconds),
        "score": t.score,
        "flagged": t.flagged,
        "findings": findings,
        "item_points": t.item_points,
        "received_at": timezone.localtime(t.received_at),
        "sentences": None
        if not sentences
        else [
            {
                "speaker": s["speaker"],
                "speaker_label": speakers[s["speaker"]][0],
                "speaker_label_en": speakers[s["speaker"]][1],
                "start": s["start"],
                "end": s["end"],
                "clock": _clock(s["start"]),
                "text": s["text"],
                "marked": round(s["start"], 1) in marked,
            }
            for s in t.sentences
        ],
    }


KIND_LABELS = {
    "callback": ("回电·留言", "callback"),
    "followup": ("回访", "follow-up"),
    "work_order": ("工单", "work order"),
    "complaint": ("投诉", "complaint"),
}


def handover_payload(h: Handover) -> dict[str, Any]:
    def name(u: Any) -> str:
        return u.display_name or u.username

    def when(at: Any) -> Any:
        return timezone.localtime(at) if at else None

    return {
        "id": h.pk,
        "giver": h.giver.username,
        "giver_name": name(h.giver),
        "taker": h.taker.username,
        "taker_name": name(h.taker),
        "notes": h.notes,
        "drafted_at": when(h.drafted_at),
        "giver_confirmed_at": when(h.giver_confirmed_at),
        "taker_confirmed_at": when(h.taker_confirmed_at),
        "confirmed": h.confirmed,
        "moved": h.moved,
        "items": [
            {
                **item,
                "kind_label": KIND_LABELS.get(item["kind"], ("", ""))[0],
                "kind_label_en": KIND_LABELS.get(item["kind"], ("", ""))[1],
            }
            for item in h.items
        ],
    }
