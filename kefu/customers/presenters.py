"""How a customer is shown (labels, masks, dates): the same dicts for the API schemas and
the console templates."""

from __future__ import annotations

from kefu.customers import selectors as sel
from kefu.customers.models import Asset
from kefu.customers.schemas import AssetOut


def asset_payload(asset: Asset, files: list) -> dict:
    """An asset with its vehicle files; `files` come from selectors (each with `docs`)."""
    return {
        **{k: getattr(asset, k) for k in AssetOut.model_fields if k not in ("label", "files")},
        "label": str(asset),
        "files": [
            {
                **{
                    k: getattr(f, k)
                    for k in (
                        "id",
                        "kind",
                        "reference_no",
                        "opened_on",
                        "due_on",
                        "completed_on",
                        "responsible",
                    )
                },
                "documents": f.docs,
                **sel.file_state(f, docs=f.docs),
            }
            for f in files
        ],
    }


CUSTOMER_FIELDS = (
    "id",
    "number",
    "name",
    "name_pinyin",
    "gender",
    "kind",
    "level",
    "status",
    "birthday",
    "birthday_calendar",
    "card_expires_on",
    "source",
    "notes",
    "extra",
    "sms_opt_out",
    "phone_opt_out",
    "verification",
    "first_contact_due_at",
    "first_contacted_at",
    "created_at",
    "updated_at",
)


def customer_payload(detail: sel.CustomerDetail, warnings=()) -> dict:
    customer, owner = detail.customer, detail.customer.owner
    return {
        **{k: getattr(customer, k) for k in CUSTOMER_FIELDS},
        **sel.masked_pii(customer, phones=detail.phones),
        "tags": sorted(detail.tags),
        "level_label": customer.get_level_display(),
        "owner": {"id": owner.id, "username": owner.username, "name": str(owner)}
        if owner
        else None,
        "merged_into": customer.merged_into.number if customer.merged_into else None,
        "assets": [asset_payload(a, detail.files.get(a.id, [])) for a in detail.assets],
        "warnings": [w.as_dict() for w in warnings],
    }


def screen_pop_payload(*, user, phone: str) -> dict:
    """What an agent sees when `phone` rings (also the CTI webhook's answer to "ringing")."""
    found = sel.customer_lookup(user=user, phone=phone)
    customer = found[0]
    activity = sel.customer_activity(customer.customer.id)
    return {
        "customer": customer_payload(customer),
        "others": [sel.card_of(other) for other in found[1:]],
        "open_items": sel.open_items(customer, activity),
        "recent_interactions": activity["contact"],
    }
