"""客户: the one search box, the 360° page with its actions, new and edited customers, and
the import with its dry run."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.care import selectors as care_sel
from kefu.complaints import selectors as complaint_sel
from kefu.console.lang import bilingual
from kefu.console.views.base import console, field_errors, posted_id
from kefu.core.errors import KefuError, NotFound, invalid
from kefu.customers import choices as cc
from kefu.customers import files, transfer
from kefu.customers import selectors as customer_sel
from kefu.customers import services as customer_svc
from kefu.customers.presenters import customer_payload
from kefu.followups import selectors as followup_sel
from kefu.interactions import selectors as interaction_sel
from kefu.members import selectors as member_sel
from kefu.members import services as member_svc
from kefu.tickets import selectors as ticket_sel


@console
def customers(request: HttpRequest) -> HttpResponse:
    """The one search box; HTMX asks for the results part as the agent types."""
    q = request.GET.get("q", "").strip()
    result = customer_sel.customer_search(user=request.user, q=q) if q else None
    template = (
        "console/_customer_results.html"
        if request.headers.get("HX-Request")
        else "console/customers.html"
    )
    return render(request, template, {"q": q, "result": result})


@console
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 360° page: profile (masked), assets and files, and a timeline of everything."""
    detail = customer_sel.customer_get(user=request.user, customer_id=customer_id)
    revealed = {}
    if request.method == "POST" and request.POST.get("action") in ASSET_ACTIONS:
        try:
            ASSET_ACTIONS[request.POST["action"]](request, detail.customer)
            messages.success(request, _("已保存"))
            return redirect(f"/customers/{customer_id}/")
        except KefuError as exc:
            return render(
                request,
                "console/customer.html",
                _customer_context(
                    request, detail, {"errors": field_errors(exc), "form": request.POST}
                ),
                status=exc.status,
            )
    if request.method == "POST" and request.POST.get("reveal"):
        try:
            revealed = customer_svc.customer_reveal(
                actor=request.user,
                customer=detail.customer,
                fields=["phones", "id_number", "address", "email"],
                channel="web",
            )
        except KefuError as exc:
            return render(
                request,
                "console/customer.html",
                _customer_context(request, detail, {"errors": field_errors(exc)}),
                status=exc.status,
            )
    return render(
        request, "console/customer.html", _customer_context(request, detail, {"revealed": revealed})
    )


ASSET_FORM = ("vin", "plate", "model", "delivered_on", "next_maintenance_on",
              "inspection_due_on", "insurance_expires_on", "vehicle_tax_due_on")  # fmt: skip


def _add_asset(request, customer) -> None:
    data = {k: request.POST.get(k, "").strip() for k in ASSET_FORM}
    customer_svc.asset_create(
        actor=request.user,
        customer=customer,
        data={"kind": "vehicle", **{k: v for k, v in data.items() if v}},
    )


def _open_file(request, customer) -> None:
    asset_id = posted_id(request, "asset")
    if asset_id is None:
        raise NotFound(f"asset {request.POST.get('asset', '')}")
    customer_svc.asset_file_open(
        actor=request.user,
        asset=customer_sel.asset_of_customer(customer=customer, asset_id=asset_id),
        kind=request.POST.get("kind") or "sales",
        opened_on=timezone.localdate(),
        responsible=request.POST.get("responsible", ""),
    )


def _receive_document(request, customer) -> None:
    file_id = posted_id(request, "file")
    if file_id is None:
        raise NotFound("document")
    document = customer_sel.document_of_customer(
        customer=customer, file_id=file_id, doc_code=request.POST.get("doc", "")
    )
    raw = request.POST.get("received_on", "").strip()
    try:
        received_on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise invalid(
            "received_on", "invalid_date", f"日期无效：{raw}", f"Invalid date: {raw}"
        ) from None
    customer_svc.file_document_receive(
        actor=request.user, document=document, received_on=received_on
    )


def _profile(request, customer) -> None:
    """R-1.2: the extended profile's answers, as the center configured its questions."""
    answers = {}
    for group in customer_sel.profile_form(customer):
        for f in group["fields"]:
            raw = request.POST.get(f"pf_{f['key']}", "").strip()
            if f["type"] == "bool":
                answers[f["key"]] = raw == "on"
            elif raw or f["value"] not in ("", None):
                answers[f["key"]] = raw
    customer_svc.customer_update(actor=request.user, customer=customer, data={"extra": answers})


def _merge(request, customer) -> None:
    """R-1.9: the duplicate named by its customer number is merged into this customer."""
    number = request.POST.get("source", "").strip().upper()
    source = customer_sel.customer_by_number(number)
    if source is None or source.pk == customer.pk:
        raise invalid(
            "source",
            "unknown_customer",
            f"找不到要合并的客户：{number}",
            f"No other customer numbered {number}",
        )
    customer_svc.customer_merge(target=customer, source=source, actor=request.user)


def _member(request, customer) -> None:
    """R-9.1: join, renew, upgrade, use a benefit, adjust points — each its service."""
    post, user = request.POST, request.user
    step = post.get("member", "")
    if step == "join":
        data = {"level": post.get("level", ""), "club": post.get("club")}
        member_svc.member_join(actor=user, customer=customer, data=data)
    elif step == "renew":
        member_svc.member_renew(actor=user, customer=customer)
    elif step == "upgrade":
        member_svc.member_upgrade(actor=user, customer=customer, level_code=post.get("level", ""))
    elif step == "redeem":
        member_svc.benefit_redeem(actor=user, customer=customer,
                                  data={"benefit": post.get("benefit", ""),
                                        "note": post.get("note", "")})  # fmt: skip
    elif step == "points":
        member_svc.points_adjust(actor=user, customer=customer,
                                 data={"points": post.get("points", ""),
                                       "reason": post.get("reason", "")})  # fmt: skip
    else:
        raise invalid("member", "unknown_step", "未知的会员操作", "Unknown membership step")


ASSET_ACTIONS = {
    "add_asset": _add_asset,
    "open_file": _open_file,
    "receive": _receive_document,
    "profile": _profile,
    "merge": _merge,
    "member": _member,
}


def _customer_context(request, detail, extra: dict) -> dict:
    """The page's data: the customer as the API shows it, and one timeline gathered from
    each app's own selector."""
    cid = detail.customer.pk
    user = request.user
    timeline = []
    for i in interaction_sel.interactions_list(user=user, customer_id=cid)[:30]:
        timeline.append(
            {
                "at": i.occurred_at,
                "kind": _("接待"),
                "text": f"{bilingual(i.get_channel_display())} · "
                f"{bilingual(i.get_category_display())}：{i.content}",
            }
        )
    for o in ticket_sel.work_orders(user=user, customer_id=cid)[:20]:
        timeline.append(
            {
                "at": o.created_at,
                "kind": _("工单"),
                "text": f"{o.number} {o.title}（{bilingual(o.get_status_display())}）",
            }
        )
    for c in complaint_sel.complaints(user=user, customer_id=cid)[:20]:
        timeline.append(
            {
                "at": c.received_at,
                "kind": _("投诉"),
                "text": f"{c.number} {c.content[:60]}（{bilingual(c.get_stage_display())}）",
                "href": f"/complaints/{c.pk}/",
            }
        )
    for f in followup_sel.customer_followups(customer_id=cid):
        timeline.append(
            {
                "at": dt.datetime.combine(
                    f.due_on, dt.time(9), tzinfo=timezone.get_current_timezone()
                ),
                "kind": _("回访"),
                "text": f"{f.label} {f.due_on}（{bilingual(f.get_status_display())} "
                f"{bilingual(f.get_result_display()) if f.result else ''}）",
            }
        )
    for m in care_sel.customer_messages(customer_id=cid):
        timeline.append(
            {
                "at": m.scheduled_for,
                "kind": _("消息"),
                "text": f"{bilingual(m.get_channel_display())}：{m.body[:80]}"
                f"（{bilingual(m.get_status_display())}）",
            }
        )
    timeline.sort(key=lambda row: row["at"], reverse=True)
    return {
        "c": customer_payload(detail),
        "customer": detail.customer,
        "timeline": timeline,
        "may_reveal": P.has_perm(user, P.REVEAL_PII),
        "may_merge": P.has_perm(user, P.MERGE_CUSTOMERS),
        "profile": customer_sel.profile_form(detail.customer),
        "today": timezone.localdate(),
        "member": member_sel.member_summary(detail.customer),
        "member_levels": member_sel.levels(),
        "may_adjust_points": P.has_perm(user, P.EDIT_ANY_CUSTOMER),
        **extra,
    }


CUSTOMER_FORM = ("name", "phones", "gender", "birthday", "birthday_calendar", "id_number",
                 "address", "email", "level", "notes")  # fmt: skip
CHOICES = {
    "genders": cc.Gender.choices,
    "levels": cc.Level.choices,
    "calendars": cc.BirthdayCalendar.choices,
}


@console
def customer_new(request: HttpRequest) -> HttpResponse:
    """新建客户: the archive's own checks (phones, ID number, dates), errors by the field;
    the customer gets an agent by load and skill (R-1.1, R-1.7). Several phone numbers in
    one box are split by the service (commas, 、 or ;)."""
    errors, status = {}, 200
    if request.method == "POST":
        data = {k: request.POST.get(k, "").strip() for k in CUSTOMER_FORM}
        try:
            created, _warnings = customer_svc.customer_create(
                actor=request.user, data={k: v for k, v in data.items() if v}
            )
            messages.success(request, _("已建立客户 %(n)s") % {"n": created.number})
            return redirect(f"/customers/{created.pk}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    # from the screen pop of an unknown caller: the number is filled in
    form = (
        request.POST if request.method == "POST" else {"phones": request.GET.get("phone", "")[:40]}
    )
    return render(
        request,
        "console/customer_new.html",
        {"errors": errors, "form": form, **CHOICES},
        status=status,
    )


EDITABLE = ("name", "gender", "birthday", "birthday_calendar", "level", "card_expires_on",
            "notes")  # fmt: skip


@console
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change a customer's everyday fields and opt-outs; new phone numbers replace the list
    only when given (so nobody has to see the full numbers to edit the rest, R-0.5)."""
    customer = customer_sel.customer_by_id(user=request.user, customer_id=customer_id)
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        data = {k: post.get(k, "").strip() for k in EDITABLE}
        data["card_expires_on"] = data["card_expires_on"] or None
        data["sms_opt_out"] = post.get("sms_opt_out") == "on"
        data["phone_opt_out"] = post.get("phone_opt_out") == "on"
        if post.get("phones", "").strip():
            data["phones"] = post["phones"].strip()
        try:
            customer_svc.customer_update(actor=request.user, customer=customer, data=data)
            messages.success(request, _("客户资料已保存"))
            return redirect(f"/customers/{customer_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    return render(
        request,
        "console/customer_edit.html",
        {"customer": customer, "errors": errors, **CHOICES},
        status=status,
    )


@console
def import_customers(request: HttpRequest) -> HttpResponse:
    """导入: upload, the dry-run report with each bad row, then confirm."""
    P.require(request.user, P.IMPORT_CUSTOMERS)
    context: dict = {}
    if request.method == "POST":
        held = files.upload_take(request.POST.get("token", ""))
        upload = request.FILES.get("file")
        try:
            if held is not None:  # confirmed: the import runs in the background
                job = transfer.import_job_start(
                    actor=request.user,
                    filename=request.POST.get("filename", "upload.csv"),
                    content=held,
                )
                return redirect(f"/import/jobs/{job.pk}/")
            elif upload is None:
                context["errors"] = {"file": "请选择文件 / choose a file"}
            else:
                content = files.upload_bytes(upload)
                report = transfer.import_customers(
                    actor=request.user, filename=upload.name, content=content, dry_run=True
                )
                context.update(report=report.as_dict(), filename=upload.name)
                if not report.errors:
                    context["token"] = files.upload_hold(content)
        except KefuError as exc:
            context["errors"] = field_errors(exc)
    return render(request, "console/import.html", context)


@console
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background import's progress; the page asks again every two seconds (HTMX) until
    the row report is there."""
    job = transfer.import_job_get(user=request.user, job_id=job_id)
    context = {"job": job, "running": job.status in ("queued", "running")}
    if request.headers.get("HX-Request"):
        return render(request, "console/_import_progress.html", context)
    return render(request, "console/import_job.html", context)
