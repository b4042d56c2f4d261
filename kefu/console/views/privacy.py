"""个人信息 (R-11.3): the CS manager's page for a person's requests under PIPL — find the
customer by number, export their data (a JSON download) or erase it (the number typed again;
refused while a complaint or work order is open) — with the log of requests handled and what
the retention policy cleared. For those who may export customers (managers, the GM)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.permissions import require
from kefu.console.lang import bilingual
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError
from kefu.core.models import RetentionRun
from kefu.core.services import center_settings
from kefu.customers.models import PrivacyRequest
from kefu.setup import privacy


@console
def privacy_page(request: HttpRequest) -> HttpResponse:
    require(request.user, P.EXPORT_CUSTOMERS)
    number = (request.POST.get("number") or request.GET.get("number", "")).strip()[:20]
    customer = privacy.customer_by_number(actor=request.user, number=number)
    errors: dict[str, str] = {}
    if number and customer is None:
        errors["number"] = _("没有这个客户编号")
    if request.method == "POST" and customer is not None:
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("action") == "erase":
                counts = privacy.person_erase(
                    actor=request.user, customer_id=customer.pk, reason=reason,
                    confirm_number=request.POST.get("confirm_number", ""),
                )  # fmt: skip
                messages.success(request, _("已删除 %(n)s 条记录中的个人信息")
                                 % {"n": sum(counts.values())})  # fmt: skip
                return redirect("/privacy/")
            else:
                document = privacy.person_export(actor=request.user, customer_id=customer.pk,
                                                 reason=reason, channel="console")  # fmt: skip
                response = HttpResponse(
                    json.dumps(document, ensure_ascii=False, indent=1),
                    content_type="application/json; charset=utf-8",
                )
                name = f"personal-data-{customer.number}.json"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        except KefuError as exc:
            errors.update(field_errors(exc))
    policy = center_settings()
    kinds = dict(RetentionRun.KINDS)
    return render(request, "console/privacy.html", {
        "number": number, "customer": customer, "errors": errors, "form": request.POST,
        "requests": [{"at": r.created_at, "kind": bilingual(dict(PrivacyRequest.KINDS)[r.kind]),
                      "number": r.number, "customer_id": r.customer_id, "reason": r.reason,
                      "user": r.user.display_name or r.user.username,
                      "records": sum(r.counts.values())}
                     for r in privacy.privacy_requests(actor=request.user, limit=50)],
        "policy": [(_("来电来访记录"), policy.retain_contacts_months),
                   (_("录音链接"), policy.retain_recordings_months),
                   (_("短信邮件记录"), policy.retain_messages_months)],
        "runs": [{"at": r.ran_at, "kind": bilingual(kinds[r.kind]), "cutoff": r.cutoff,
                  "cleared": r.cleared}
                 for r in privacy.retention_runs(actor=request.user, limit=20)],
    })  # fmt: skip
