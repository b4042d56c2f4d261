"""搜索 (issue 11): the top bar's box on every page — customers by name, pinyin, phone,
plate or number at once, and work orders, complaints and contacts by number or by the words
in them, each section loaded by HTMX as soon as the page is there (each its own request, so
one slow list never holds up the others), with a link to the whole list."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kefu.accounts import permissions as P
from kefu.complaints import selectors as complaint_sel
from kefu.complaints.presenters import payload as complaint_payload
from kefu.console.views.base import console
from kefu.customers import selectors as customer_sel
from kefu.interactions import selectors as interaction_sel
from kefu.tickets import selectors as ticket_sel

EACH = 5  # rows of each kind on the page
Q_LIMIT = 100  # characters of a query


@console
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:Q_LIMIT]
    user = request.user
    part = request.GET.get("part", "")
    if q and part:
        return render(request, "console/_search_part.html", {"q": q, **_part(request, part)})
    context: dict = {"q": q, "parts": []}
    if q:
        context["result"] = customer_sel.customer_search(user=user, q=q)
        context["parts"] = ["orders"]
        if P.has_perm(user, P.VIEW_COMPLAINTS):
            context["parts"].append("complaints")
        if P.has_perm(user, P.VIEW_INTERACTIONS):
            context["parts"].append("contacts")
    return render(request, "console/search.html", context)


def _part(request: HttpRequest, part: str) -> dict:
    user, q = request.user, request.GET.get("q", "").strip()[:Q_LIMIT]
    if part == "orders":
        return {"part": part, "orders": list(ticket_sel.work_orders(user=user, q=q)[:EACH])}
    if part == "complaints":
        found = complaint_sel.complaints(user=user, q=q)[:EACH]
        return {"part": part, "complaints": [complaint_payload(c) for c in found]}
    if part == "contacts":
        # the recent contacts first (fast at millions of contacts); older on request
        older = request.GET.get("older") == "1"
        rows = interaction_sel.interactions_list(user=user, q=q, older=older)[:EACH]
        days = settings.KEFU["CONTACT_SEARCH_DAYS"]
        return {"part": part, "contacts": list(rows), "older": older, "days": days}
    return {"part": ""}
