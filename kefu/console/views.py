"""The web console (R-0.1: Chinese by default): thin views over the same services and
selectors as the API; a domain error is shown next to its field."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.accounts import permissions as P
from kefu.care.models import Message
from kefu.complaints import selectors as complaint_sel
from kefu.complaints import services as complaint_svc
from kefu.complaints import workflow as complaint_flow
from kefu.complaints.api import payload as complaint_payload
from kefu.complaints.choices import ComplaintClass, Outcome, Stage
from kefu.console.lang import bilingual, message
from kefu.console.reports import dashboard, xlsx
from kefu.core.errors import KefuError
from kefu.customers import selectors as customer_sel
from kefu.customers import transfer
from kefu.customers.api import customer_payload
from kefu.followups import selectors as followup_sel
from kefu.followups import services as followup_svc
from kefu.followups.api import payload as followup_payload
from kefu.interactions import choices as ich
from kefu.interactions import selectors as interaction_sel
from kefu.interactions import services as interaction_svc
from kefu.tickets import selectors as ticket_sel
from kefu.tickets import workflow as ticket_flow

UPLOADS = settings.VAR_DIR / "uploads"  # a checked import file waits here for "confirm"


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
                {"messages": [message(e) for e in exc.errors]},
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


@console
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台: what the signed-in person must do today, overdue first."""
    user, today = request.user, timezone.localdate()
    followups = list(
        followup_sel.followups(user=user, status="pending", due_on=today).order_by("due_by", "id")[
            :50
        ]
    )
    callbacks = list(interaction_sel.tasks_open(user=user)[:30])
    orders = list(
        ticket_sel.work_orders(user=user)
        .filter(status__in=ticket_flow.OPEN)
        .filter(**({} if P.has_perm(user, P.MANAGE_TASKS) else {"created_by": user}))[:30]
    )
    complaints = list(
        complaint_sel.complaints(user=user, stage="open")
        .filter(**({} if P.has_perm(user, P.MANAGE_TASKS) else {"handler": user}))
        .order_by("stage_due_at")[:30]
    )
    start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    pending_letters = list(
        interaction_sel.interactions_list(user=user, category=ich.Category.COMPLAINT)
        .filter(routing=ich.Routing.PENDING)
        .select_related("customer")[:20]
    )
    messages = Message.objects.filter(  # a range, so the (status, scheduled_for) index serves
        status__in=("queued", "sending"),
        scheduled_for__gte=start,
        scheduled_for__lt=start + dt.timedelta(days=1),
    ).count()
    return render(
        request,
        "console/workbench.html",
        {
            "today": today,
            "followups": [followup_payload(f) for f in followups],
            "callbacks": callbacks,
            "orders": orders,
            "complaints": [complaint_payload(c) for c in complaints],
            "messages_due": messages,
            "pending_letters": pending_letters,
            "now": timezone.now(),
        },
    )


@console
def customers(request: HttpRequest) -> HttpResponse:
    """客户: the one search box; HTMX asks for the results part as the agent types."""
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
        from kefu.customers.services import customer_reveal

        try:
            revealed = customer_reveal(
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
    from kefu.customers.services import asset_create

    data = {k: request.POST.get(k, "").strip() for k in ASSET_FORM}
    asset_create(
        actor=request.user,
        customer=customer,
        data={"kind": "vehicle", **{k: v for k, v in data.items() if v}},
    )


def _open_file(request, customer) -> None:
    from kefu.customers.models import Asset
    from kefu.customers.services import asset_file_open

    raw = request.POST.get("asset", "")
    asset = Asset.objects.filter(customer=customer, pk=int(raw)).first() if raw.isdigit() else None
    if asset is None:
        from kefu.core.errors import NotFound

        raise NotFound(f"asset {raw}")
    asset_file_open(
        actor=request.user,
        asset=asset,
        kind=request.POST.get("kind") or "sales",
        opened_on=timezone.localdate(),
        responsible=request.POST.get("responsible", ""),
    )


def _receive_document(request, customer) -> None:
    from kefu.customers.models import FileDocument
    from kefu.customers.services import file_document_receive

    raw = request.POST.get("file", "")
    document = (
        FileDocument.objects.filter(
            file__asset__customer=customer,
            file_id=int(raw),
            doc_type__code=request.POST.get("doc", ""),
        ).first()
        if raw.isdigit()
        else None
    )
    if document is None:
        from kefu.core.errors import NotFound

        raise NotFound("document")
    file_document_receive(actor=request.user, document=document, received_on=timezone.localdate())


def _merge(request, customer) -> None:
    """R-1.9: the duplicate named by its customer number is merged into this customer."""
    from kefu.customers.models import Customer
    from kefu.customers.services import customer_merge

    number = request.POST.get("source", "").strip().upper()
    source = Customer.objects.filter(number=number).first()
    if source is None or source.pk == customer.pk:
        from kefu.core.errors import invalid

        raise invalid(
            "source",
            "unknown_customer",
            f"找不到要合并的客户：{number}",
            f"No other customer numbered {number}",
        )
    customer_merge(target=customer, source=source, actor=request.user)


ASSET_ACTIONS = {
    "add_asset": _add_asset,
    "open_file": _open_file,
    "receive": _receive_document,
    "merge": _merge,
}


def _customer_context(request, detail, extra: dict) -> dict:
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
    for f in detail.customer.followups.select_related("rule").order_by("-due_on")[:20]:
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
    for m in Message.objects.filter(customer_id=cid).order_by("-scheduled_for")[:20]:
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
        **extra,
    }


@console
def call(request: HttpRequest) -> HttpResponse:
    """来电: the screen pop for a caller number and the one-form contact log (R-1.6, R-2.3)."""
    phone = request.GET.get("phone", "") or request.POST.get("caller_number", "")
    found = []
    if phone:
        try:
            found = customer_sel.customer_lookup(user=request.user, phone=phone)
        except KefuError:
            found = []
    context = {
        "phone": phone,
        "customer": customer_payload(found[0]) if found else None,
        "others": found[1:],
        "channels": ich.Channel.choices,
        "categories": ich.Category.choices,
        "form": request.POST,
    }
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if v and k != "csrfmiddlewaretoken"}
        if found and "customer_id" not in data:
            data["customer_id"] = found[0].customer.pk
        try:
            interaction, _ = interaction_svc.interaction_log(actor=request.user, data=data)
        except KefuError as exc:
            context["errors"] = field_errors(exc)
            return render(request, "console/call.html", context, status=exc.status)
        complaint = getattr(interaction, "complaint", None)
        if complaint is not None:
            return redirect(f"/complaints/{complaint.pk}/")
        return redirect(
            f"/customers/{interaction.customer_id}/" if interaction.customer_id else "/"
        )
    return render(request, "console/call.html", context)


@console
def complaints(request: HttpRequest) -> HttpResponse:
    """投诉: the archive with its filters, open ones soonest due first (R-4.4)."""
    g = request.GET
    stage, cls = g.get("stage", "open"), g.get("complaint_class", "")
    rows = complaint_sel.complaints(
        user=request.user,
        q=g.get("q", ""),
        stage=stage,
        complaint_class=cls,
        overdue=g.get("overdue") == "1",
    ).order_by("stage_due_at", "-received_at")[:200]
    return render(
        request,
        "console/complaints.html",
        {
            "rows": [complaint_payload(c) for c in rows],
            "stage": stage,
            "complaint_class": cls,
            "overdue": g.get("overdue") == "1",
            "q": g.get("q", ""),
            "stages": Stage.choices,
            "classes": ComplaintClass.choices,
        },
    )


# What each transition asks for, as form fields: (name, label, kind)
ADVANCE_FIELDS = {
    (Stage.JUDGMENT, Stage.INVESTIGATION): [
        ("department", gettext_lazy("责任部门（代码）"), "department"),
        ("promised_days", gettext_lazy("告知顾客的调查天数"), "number"),
        ("demand_reasonable", gettext_lazy("顾客要求合理"), "bool"),
    ],
    (Stage.JUDGMENT, Stage.CLOSED): [
        ("explanation", gettext_lazy("对顾客的解释（无效投诉）"), "text")
    ],
    (Stage.INVESTIGATION, Stage.SOLUTION): [
        ("root_cause", gettext_lazy("原因"), "text"),
        ("responsible_person", gettext_lazy("责任人"), "line"),
        ("complaint_class", gettext_lazy("投诉类别"), "class"),
    ],
    (Stage.IMPLEMENTATION, Stage.REVIEW): [
        ("customer_accepted", gettext_lazy("顾客已确认接受"), "bool"),
        ("acceptance", gettext_lazy("顾客确认记录"), "text"),
    ],
    (Stage.REVIEW, Stage.CLOSED): [
        ("evaluation", gettext_lazy("评价"), "text"),
        ("improvement", gettext_lazy("改进措施"), "text"),
    ],
}
RECORD_LABELS = {
    "complainant": gettext_lazy("投诉人"),
    "channel": gettext_lazy("渠道"),
    "content": gettext_lazy("内容"),
    "demand": gettext_lazy("顾客要求"),
    "valid": gettext_lazy("有效投诉"),
    "demand_reasonable": gettext_lazy("顾客要求合理"),
    "department": gettext_lazy("责任部门"),
    "promised_days": gettext_lazy("告知顾客的调查天数"),
    "explanation": gettext_lazy("解释说明"),
    "root_cause": gettext_lazy("原因"),
    "responsible_person": gettext_lazy("责任人"),
    "complaint_class": gettext_lazy("投诉类别"),
    "proposal": gettext_lazy("方案"),
    "customer_accepted": gettext_lazy("顾客已确认接受"),
    "acceptance": gettext_lazy("顾客确认记录"),
    "penalties": gettext_lazy("处罚"),
    "compensations": gettext_lazy("补偿"),
    "evaluation": gettext_lazy("评价"),
    "improvement": gettext_lazy("改进措施"),
    "reason": gettext_lazy("原因"),
    "note": gettext_lazy("备注"),
}


def record_lines(record: dict) -> list[tuple[str, str]]:
    """A stage record as (label, value) lines a person reads; ids and empty values left out."""
    lines = []
    for key, value in record.items():
        if key not in RECORD_LABELS or value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, list):
            value = "；".join(
                " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                for item in value
            )
        lines.append((str(RECORD_LABELS[key]), str(value)))
    return lines


STEPS = [Stage.INTAKE, Stage.JUDGMENT, Stage.INVESTIGATION, Stage.SOLUTION,
         Stage.IMPLEMENTATION, Stage.REVIEW, Stage.CLOSED]  # fmt: skip


@console
def complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complaint page: the six stages as a stepper; only the allowed next steps are
    offered, each with the fields it needs (R-4.1)."""
    c = complaint_sel.complaint_get(user=request.user, complaint_id=complaint_id)
    errors, action, status = {}, "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _complaint_action(request, c, action)
            return redirect(f"/complaints/{complaint_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            c = complaint_sel.complaint_get(user=request.user, complaint_id=complaint_id)
    data = complaint_payload(c, True)
    data["stage_label"] = bilingual(Stage(c.stage).label)
    data["outcome_label"] = bilingual(Outcome(c.outcome).label) if c.outcome else ""
    data["class_label"] = (
        bilingual(ComplaintClass(c.complaint_class).label) if c.complaint_class else ""
    )
    for stage in data["stages"]:
        stage["lines"] = record_lines(stage["record"])
        stage["label"] = bilingual(Stage(stage["stage"]).label)
    allowed_to_work = complaint_svc.may_work(request.user, c, "")
    actions = []
    for to in complaint_flow.allowed(c.stage, c.outcome):
        fields = ADVANCE_FIELDS.get((c.stage, to)) or (
            []
            if (c.stage, to) == (Stage.SOLUTION, Stage.IMPLEMENTATION)
            else [("reason", _("原因"), "text")]
        )
        actions.append({"to": to, "label": bilingual(Stage(to).label), "fields": fields})
    current = STEPS.index(c.stage) if c.stage in STEPS else 0
    return render(
        request,
        "console/complaint.html",
        {
            "c": data,
            "steps": [
                {
                    "code": s,
                    "label": bilingual(Stage(s).label),
                    "state": "done" if i < current else ("current" if i == current else "todo"),
                }
                for i, s in enumerate(STEPS)
            ],
            "actions": actions if allowed_to_work else [],
            "may_approve": P.has_perm(request.user, P.APPROVE_COMPLAINTS),
            "classes": ComplaintClass.choices,
            "errors": errors,
            "action": action,
            "form": request.POST,
        },
        status=status,
    )


def _complaint_action(request, c, action: str) -> None:
    post = request.POST
    if action == "advance":
        to = post.get("to", "")
        fields = {
            k: v
            for k, v in post.items()
            if k not in ("csrfmiddlewaretoken", "action", "to", "version")
        }
        for key in ("demand_reasonable", "customer_accepted"):
            if key in fields or (
                (c.stage, to) in ADVANCE_FIELDS
                and any(f[0] == key for f in ADVANCE_FIELDS[(c.stage, to)])
            ):
                fields[key] = post.get(key) == "on"
        if fields.get("promised_days"):
            try:
                fields["promised_days"] = int(fields["promised_days"])
            except ValueError:
                pass
        version = int(post["version"]) if post.get("version", "").isdigit() else None
        complaint_svc.complaint_advance(
            actor=request.user, complaint=c, to=to, fields=fields, version=version
        )
    elif action == "propose":
        complaint_svc.proposal_add(
            actor=request.user,
            complaint=c,
            data={
                "text": post.get("text", ""),
                "compensation_amount": post.get("compensation_amount") or "0",
            },
        )
    elif action in ("approve", "reject"):
        raw = post.get("proposal", "")
        proposal = c.proposals.filter(pk=int(raw)).first() if raw.isdigit() else None
        if proposal is None:
            from kefu.core.errors import NotFound

            raise NotFound(f"proposal {raw}")
        complaint_svc.proposal_decide(
            actor=request.user,
            proposal=proposal,
            approve=action == "approve",
            note=post.get("note", ""),
        )


@console
def followup_next(request: HttpRequest) -> HttpResponse:
    """The runner: the next due call of the signed-in agent."""
    nxt = (
        followup_sel.followups(user=request.user, status="pending", due_on=timezone.localdate())
        .order_by("due_by", "id")
        .first()
    )
    return redirect(f"/followups/{nxt.pk}/" if nxt else "/")


@console
def followup(request: HttpRequest, followup_id: int) -> HttpResponse:
    """回访: the script filled in, score buttons, satisfied/unsatisfied, appointment and
    no-answer; saving moves on to the next due call (R-5.2, R-5.3)."""
    f = followup_sel.followup_get(user=request.user, followup_id=followup_id)
    errors, status = {}, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "result":
                script = followup_svc.script_for(f) or {"questions": []}
                answers = {}
                for q in script["questions"]:
                    raw = request.POST.get(f"q_{q['key']}", "").strip()
                    if raw == "":
                        continue
                    answers[q["key"]] = (
                        int(raw) if q.get("kind") == "score" and raw.isdigit() else raw
                    )
                followup_svc.followup_complete(
                    actor=request.user,
                    followup=f,
                    data={
                        "answers": answers,
                        "note": request.POST.get("note", ""),
                        "result": request.POST.get("result") or None,
                    },
                )
            else:
                followup_svc.followup_attempt(
                    actor=request.user,
                    followup=f,
                    data={
                        "outcome": request.POST.get("outcome", ""),
                        "appointment_at": request.POST.get("appointment_at", ""),
                        "note": request.POST.get("note", ""),
                    },
                )
            return redirect("/followups/next/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    data = followup_payload(f, True)
    from kefu.core.calendar import WorkCalendar
    from kefu.core.services import center_settings
    from kefu.followups import rules as follow_rules

    now = timezone.now()
    rest = follow_rules.quiet_window(now, follow_rules.parse_windows(center_settings().quiet_hours))
    holiday = WorkCalendar().is_public_holiday(timezone.localdate(now))
    for q in (data["script"] or {}).get("questions", []):
        if q.get("kind") == "score":
            q["range"] = list(range(0 if int(q.get("max", 5)) > 5 else 1, int(q.get("max", 5)) + 1))
    return render(
        request,
        "console/followup.html",
        {
            "f": data,
            "errors": errors,
            "form": request.POST,
            "rest": f"{rest[0]:%H:%M}–{rest[1]:%H:%M}" if rest else "",
            "holiday": holiday,
        },
        status=status,
    )


@console
def work_orders(request: HttpRequest) -> HttpResponse:
    """工单: open orders soonest due first, with the SLA countdown; filters by status and
    department; `stalled` for team leads (R-3.2)."""
    status, department = request.GET.get("status", ""), request.GET.get("department", "")
    stalled = request.GET.get("stalled") == "1"
    if stalled:
        qs = ticket_sel.stalled(user=request.user)
    else:
        qs = ticket_sel.work_orders(user=request.user, status=status, department=department)
        if not status:
            qs = qs.filter(status__in=ticket_flow.OPEN)
    from kefu.accounts.models import Department
    from kefu.tickets.choices import Status as TicketStatus

    return render(
        request,
        "console/work_orders.html",
        {
            "rows": list(qs[:200]),
            "status": status,
            "department": department,
            "stalled": stalled,
            "statuses": TicketStatus.choices,
            "departments": Department.objects.order_by("code"),
            "may_see_stalled": P.has_perm(request.user, P.MANAGE_TASKS),
            "now": timezone.now(),
        },
    )


@console
def import_customers(request: HttpRequest) -> HttpResponse:
    """导入: upload, the dry-run report with each bad row, then confirm."""
    P.require(request.user, P.IMPORT_CUSTOMERS)
    context: dict = {}
    if request.method == "POST":
        token = request.POST.get("token", "")
        held = UPLOADS / token if token.isalnum() and len(token) == 32 else None
        upload = request.FILES.get("file")
        try:
            if held is not None and held.exists():  # confirm the file checked before
                name = request.POST.get("filename", "upload.csv")
                report = transfer.import_customers(
                    actor=request.user, filename=name, content=held.read_bytes(), dry_run=False
                )
                held.unlink()
                context.update(report=report.as_dict(), filename=name)
            elif upload is None:
                context["errors"] = {"file": "请选择文件 / choose a file"}
            else:
                content = upload.read()
                report = transfer.import_customers(
                    actor=request.user, filename=upload.name, content=content, dry_run=True
                )
                context.update(report=report.as_dict(), filename=upload.name)
                if not report.errors:
                    UPLOADS.mkdir(parents=True, exist_ok=True)
                    context["token"] = uuid.uuid4().hex
                    (UPLOADS / context["token"]).write_bytes(content)
        except KefuError as exc:
            context["errors"] = field_errors(exc)
    return render(request, "console/import.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    return redirect("/login/")


@console
def reports(request: HttpRequest) -> HttpResponse:
    """报表: the first dashboard, drawn by ECharts from the tables it also offers as XLSX."""
    charts = dashboard(request.user)
    return render(request, "console/reports.html", {"charts": charts})


@console
def report_xlsx(request: HttpRequest, name: str) -> HttpResponse:
    charts = dashboard(request.user)
    if name not in charts:
        from kefu.core.errors import NotFound

        raise NotFound(f"report {name}")
    response = HttpResponse(
        xlsx(charts[name]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


WORK_ORDER_FIELDS = {
    "assignee": (gettext_lazy("处理人"), "user"),
    "result": (gettext_lazy("处理结果"), "text"),
    "reason": (gettext_lazy("原因"), "text"),
}


@console
def work_order(request: HttpRequest, order_id: int) -> HttpResponse:
    """A work order: its deadlines and timeline, the next steps the workflow allows with the
    fields each needs (R-3.1), and 催办 for team leads (R-3.2)."""
    from kefu.accounts.models import User
    from kefu.tickets import services as ticket_svc
    from kefu.tickets.api import payload as order_payload
    from kefu.tickets.choices import Status as TicketStatus

    order = ticket_sel.work_order_get(user=request.user, order_id=order_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "urge":
                ticket_svc.work_order_urge(
                    actor=request.user, order=order, note=request.POST.get("note", "")
                )
            else:
                fields = {k: request.POST.get(k, "") for k in ("assignee", "result", "reason")}
                ticket_svc.work_order_transition(
                    actor=request.user, order=order, to=request.POST.get("to", ""), fields=fields
                )
            return redirect(f"/work-orders/{order_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            order = ticket_sel.work_order_get(user=request.user, order_id=order_id)
    steps = [
        {
            "to": to,
            "label": bilingual(TicketStatus(to).label),
            "fields": [(f, *WORK_ORDER_FIELDS[f]) for f in needed],
        }
        for to, needed in ticket_flow.TRANSITIONS.get(order.status, {}).items()
    ]
    people = User.objects.filter(is_active=True, department_id=order.department_id).order_by(
        "username"
    )
    return render(
        request,
        "console/work_order.html",
        {
            "o": order_payload(order, True),
            "order": order,
            "steps": steps,
            "people": people,
            "may_urge": P.has_perm(request.user, P.MANAGE_TASKS)
            and order.status in ticket_flow.OPEN,
            "errors": errors,
            "form": request.POST,
            "now": timezone.now(),
        },
        status=status,
    )


CUSTOMER_FORM = ("name", "phones", "gender", "birthday", "birthday_calendar", "id_number",
                 "address", "email", "level", "notes")  # fmt: skip


@console
def customer_new(request: HttpRequest) -> HttpResponse:
    """新建客户: the archive's own checks (phones, ID number, dates), errors by the field;
    the customer gets an agent by load and skill (R-1.1, R-1.7)."""
    from kefu.customers import choices as cc
    from kefu.customers.services import customer_create

    errors, status = {}, 200
    if request.method == "POST":
        data = {k: request.POST.get(k, "").strip() for k in CUSTOMER_FORM}
        data = {k: v for k, v in data.items() if v}
        if "phones" in data:  # spaces inside a number are fine; commas separate numbers
            data["phones"] = [p for p in re.split(r"[,，;；、]+", data["phones"]) if p.strip()]
        try:
            created, _warnings = customer_create(actor=request.user, data=data)
            return redirect(f"/customers/{created.pk}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    return render(
        request,
        "console/customer_new.html",
        {
            "errors": errors,
            "form": request.POST,
            "genders": cc.Gender.choices,
            "levels": cc.Level.choices,
            "calendars": cc.BirthdayCalendar.choices,
        },
        status=status,
    )


@console
@require_POST
def callback_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """Close a callback promise or message from the workbench (R-2.4)."""
    task = (
        interaction_sel.tasks_open(
            user=request.user, everyone=P.has_perm(request.user, P.MANAGE_TASKS)
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        from kefu.core.errors import NotFound

        raise NotFound(f"task {task_id}")
    interaction_svc.task_complete(
        actor=request.user, task=task, result=request.POST.get("result", "") or _("已回电")
    )
    return redirect("/")


@console
@require_POST
def interaction_to_complaint(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """A letter the CS assistant judges to be a complaint becomes one (R-2.3)."""
    found = interaction_sel.interactions_list(user=request.user).filter(pk=interaction_id).first()
    if found is None:
        from kefu.core.errors import NotFound

        raise NotFound(f"interaction {interaction_id}")
    complaint = complaint_svc.complaint_create(actor=request.user, data={}, interaction=found)
    return redirect(f"/complaints/{complaint.pk}/")


EDITABLE = ("name", "gender", "birthday", "birthday_calendar", "level", "card_expires_on",
            "notes")  # fmt: skip


@console
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change a customer's everyday fields and opt-outs; new phone numbers replace the list
    only when given (so nobody has to see the full numbers to edit the rest, R-0.5)."""
    from kefu.customers import choices as cc
    from kefu.customers.services import customer_update

    customer = customer_sel.customer_by_id(user=request.user, customer_id=customer_id)
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        data = {k: post.get(k, "").strip() for k in EDITABLE}
        data["card_expires_on"] = data["card_expires_on"] or None
        data["sms_opt_out"] = post.get("sms_opt_out") == "on"
        data["phone_opt_out"] = post.get("phone_opt_out") == "on"
        if post.get("phones", "").strip():
            data["phones"] = [p for p in re.split(r"[,，;；、]+", post["phones"]) if p.strip()]
        try:
            customer_update(actor=request.user, customer=customer, data=data)
            return redirect(f"/customers/{customer_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    return render(
        request,
        "console/customer_edit.html",
        {
            "customer": customer,
            "errors": errors,
            "genders": cc.Gender.choices,
            "levels": cc.Level.choices,
            "calendars": cc.BirthdayCalendar.choices,
        },
        status=status,
    )
