"""知识库 (R-7.2): the knowledge base page (search by words, pinyin and tags; for team leads
the articles waiting for approval and the stale ones; a form to write one), an article's
page (its answer, versions, feedback, a proposed change, the lead's decisions), and the panel
in the call page and the follow-up runner: search, suggestions as the agent types, one click
to copy an answer into the reply (counted), "this helped"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts import permissions as P
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError
from kefu.interactions.choices import Category
from kefu.knowledge import choices as ch
from kefu.knowledge import selectors as sel
from kefu.knowledge import services as svc
from kefu.knowledge.presenters import article_payload

FIELDS = ("question", "answer", "category", "tags", "applies_to", "valid_from", "valid_until")
PANEL_ROWS = 5


@console
def knowledge(request: HttpRequest) -> HttpResponse:
    user = request.user
    q = request.GET.get("q", "")[:100]
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    status = request.GET.get("status", "")
    status = status if status in ch.ArticleStatus.values else ""
    errors: dict = {}
    form: dict = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in FIELDS}
        try:
            article = svc.article_create(actor=user, data=form)
            messages.success(request, _("已提交，班长审核后发布"))
            return redirect(f"/knowledge/{article.pk}/")
        except KefuError as exc:
            errors = field_errors(exc)
    may_approve = P.has_perm(user, P.APPROVE_ARTICLES)
    rows = sel.articles_search(user=user, q=q, category=category, status=status)[:50]
    context = {
        "q": q,
        "category": category,
        "status": status,
        "articles": [article_payload(a) for a in rows],
        "categories": Category.choices,
        "statuses": ch.ArticleStatus.choices,
        "may_write": P.has_perm(user, P.WRITE_ARTICLES),
        "may_approve": may_approve,
        "waiting": [article_payload(a) for a in sel.articles_waiting(user=user)[:50]]
        if may_approve
        else [],
        "stale": [article_payload(a) for a in sel.articles_stale(user=user)[:50]]
        if may_approve
        else [],
        "form": form,
        "errors": errors,
    }
    return render(request, "console/knowledge.html", context, status=422 if errors else 200)


@console
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    user = request.user
    found = sel.article_get(user=user, article_id=article_id)
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        try:
            if action == "edit":
                data = {k: request.POST.get(k, "") for k in FIELDS}
                svc.article_update(actor=user, article_id=found.pk, data=data)
                messages.success(request, _("修改已提交，班长审核后生效"))
            elif action == "approve":
                svc.article_approve(actor=user, article_id=found.pk, note=note)
                messages.success(request, _("已发布"))
            elif action == "reject":
                svc.article_reject(actor=user, article_id=found.pk, note=note)
                messages.success(request, _("已退回"))
            elif action == "retire":
                svc.article_retire(actor=user, article_id=found.pk, note=note)
                messages.success(request, _("已停用"))
            elif action == "review":
                svc.article_review(actor=user, article_id=found.pk)
                messages.success(request, _("已确认仍然有效"))
            elif action in ("helpful", "unhelpful"):
                svc.article_feedback(actor=user, article_id=found.pk,
                                     helpful=action == "helpful", comment=note)  # fmt: skip
                messages.success(request, _("谢谢反馈"))
            return redirect(f"/knowledge/{found.pk}/")
        except KefuError as exc:
            errors = field_errors(exc)
    shown = article_payload(found, detail=True)
    proposal = (found.proposal or {}).get("fields", {})
    context = {
        "a": shown,
        "proposal": proposal,
        "proposal_by": (found.proposal or {}).get("by_name", ""),
        "edit": {
            **{k: shown[k] or "" for k in FIELDS},
            "tags": " ".join(shown["tags"]),
            **proposal,
        },
        "versions": sel.article_versions(user=user, article_id=found.pk)[:20],
        "categories": Category.choices,
        "may_write": P.has_perm(user, P.WRITE_ARTICLES)
        and found.status != ch.ArticleStatus.RETIRED,
        "may_approve": P.has_perm(user, P.APPROVE_ARTICLES),
        "waiting": found.status == ch.ArticleStatus.PENDING or bool(proposal),
        "errors": errors,
    }
    return render(request, "console/article.html", context, status=422 if errors else 200)


@console
def panel(request: HttpRequest) -> HttpResponse:
    """The call page's and the runner's search: the published answers for `q`."""
    q = request.GET.get("q", "")[:100]
    rows = sel.articles_search(user=request.user, q=q)[:PANEL_ROWS] if q.strip() else []
    shown = [article_payload(a, detail=True) for a in rows]
    return render(request, "console/_kb_results.html", {"articles": shown, "q": q})


@console
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """Suggested answers for the contact being written (its category and content)."""
    category = request.POST.get("category", "")
    found = sel.articles_suggest(
        user=request.user,
        category=category if category in Category.values else "",
        text=request.POST.get("text", "")[: sel.TYPED_AT_MOST],
    )
    return render(request, "console/_kb_results.html",
                  {"articles": [article_payload(a, detail=True) for a in found],
                   "suggested": True})  # fmt: skip


@console
@require_POST
def use(request: HttpRequest, article_id: int) -> HttpResponse:
    """The agent copied the answer into the reply: one use counted."""
    try:
        svc.article_use(actor=request.user, article_id=article_id)
    except KefuError:
        return HttpResponse(status=404)
    return HttpResponse(status=204)


@console
@require_POST
def feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """This answer helped (or not), from the panel: a short thanks in its place."""
    try:
        svc.article_feedback(actor=request.user, article_id=article_id,
                             helpful=request.POST.get("helpful") == "1")  # fmt: skip
    except KefuError:
        return HttpResponse(status=404)
    return HttpResponse(f'<span class="muted">{_("谢谢反馈")}</span>')
