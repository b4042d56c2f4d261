"""What every console view shares: the signed-in wrapper that shows a domain error on the
page, and errors by field for the forms."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import get_language

from kefu.console.lang import message
from kefu.core.errors import KefuError


def console(view):
    """A signed-in page; a domain error becomes a message on the page, never a 500."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except KefuError as exc:  # not allowed, not found: said plainly, in Chinese
            return render(
                request,
                "console/error.html",
                {"problems": [message(e) for e in exc.errors]},
                status=exc.status,
            )

    return wrapper


def field_errors(exc: KefuError) -> dict[str, str]:
    """{field: message} for the template: each message next to its field."""
    out: dict[str, str] = {}
    for e in exc.errors:
        key = e.field.split("[")[0].split(".")[0] or "general"
        out[key] = f"{out[key]}；{message(e)}" if key in out else message(e)
    return out


def in_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def posted_id(request: HttpRequest, name: str) -> int | None:
    """A row id posted in a form field; None when it is not a number."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
