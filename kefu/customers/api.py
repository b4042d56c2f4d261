"""/api/v1/customers and /api/v1/imports: thin endpoints over the services and selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.core.api import ERRORS
from kefu.customers import selectors as sel
from kefu.customers import services as svc
from kefu.customers import transfer
from kefu.customers.files import upload_bytes
from kefu.customers.inputs import parse_date
from kefu.customers.models import Customer
from kefu.customers.presenters import asset_payload, customer_payload, screen_pop_payload
from kefu.customers.schemas import (
    AssetIn,
    AssetOut,
    AssignIn,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    HistoryOut,
    MergeIn,
    RevealIn,
    ScreenPopOut,
    SearchOut,
    StatusIn,
    VerifyIn,
)

router = Router(tags=["customers 客户档案"])
imports_router = Router(tags=["imports 导入"])


def _detail(request: HttpRequest, customer_id: int) -> sel.CustomerDetail:
    return sel.customer_get(user=request.user, customer_id=customer_id)


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return sel.customer_by_id(user=request.user, customer_id=customer_id)


@router.post("", response={201: CustomerOut, **ERRORS}, summary="Create a customer 新建客户")
def create_customer(request: HttpRequest, payload: CustomerIn):
    """R-1.1: a customer with phones; an owner agent is assigned by load and skill (R-1.7)
    unless `owner` names one. Possible duplicates come back as `warnings`."""
    customer, warnings = svc.customer_create(actor=request.user, data=payload.dict())
    return Status(201, customer_payload(_detail(request, customer.pk), warnings))


class SearchQuery(Schema):
    q: str = ""
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)
    tag: str | None = None
    owner: str | None = None
    level: str | None = None
    delivered_from: str | None = None
    delivered_to: str | None = None
    repaired_from: str | None = None
    repaired_to: str | None = None
    profile: str | None = None
    include_obsolete: bool = False


@router.get("/search", response={200: SearchOut, **ERRORS}, summary="Search 一框搜索")
def search_customers(request: HttpRequest, params: Query[SearchQuery]):
    """R-1.5: name (汉字, full pinyin or initials), phone or its last 4 digits, customer
    number, VIN or its last 6, plate, ID number; filters narrow any search. `profile`
    filters on searchable extended-profile fields (R-1.2): `education:本科,hobbies:钓鱼`."""
    filters = sel.search_filters(params.dict())
    result = sel.customer_search(
        user=request.user,
        q=params.q,
        page=params.page,
        page_size=params.page_size,
        filters=filters,
        include_obsolete=params.include_obsolete,
    )
    return {
        "items": result.items,
        "count": result.count,
        "count_capped": result.count_capped,
        "page": params.page,
        "page_size": min(params.page_size, 100),
        "kinds": result.kinds,
    }


@router.get("/lookup", response={200: ScreenPopOut, **ERRORS}, summary="Screen pop 来电弹屏")
def lookup_customer(request: HttpRequest, phone: str):
    """R-1.6: the customer owning a caller number with assets and open items; 404 if unknown.
    When several customers share the number (a family phone), the others are listed."""
    return screen_pop_payload(user=request.user, phone=phone)


@router.get("/export", response={200: None, **ERRORS}, summary="Export 导出")
def export(request: HttpRequest, format: str = "xlsx", q: str = ""):
    """R-1.8: every customer (or a search's matches) as XLSX or CSV; managers only, logged."""
    fmt = "csv" if format == "csv" else "xlsx"
    qs = None
    if q:
        result = sel.customer_search(user=request.user, q=q, page_size=100)
        qs = sel.customers_by_ids([card["id"] for card in result.items])
    data, _ = transfer.export_customers(actor=request.user, queryset=qs, fmt=fmt)
    ctype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="customers.{fmt}"'
    return response


@router.get(
    "/reports/first-contact-overdue",
    response={200: list[dict], **ERRORS},
    summary="First contact overdue 首次联系超时",
)
def first_contact_overdue(request: HttpRequest, limit: int = Query(200, ge=1, le=1000)):
    """R-1.7: customers whose owner has not made first contact by the deadline; agents see
    their own, team leads and managers everyone's."""
    rows = sel.first_contact_overdue(user=request.user)[:limit]
    return [
        {
            "id": cu.id,
            "number": cu.number,
            "name": cu.name,
            "owner": cu.owner.username if cu.owner_id else None,
            "assigned_at": cu.assigned_at,
            "due_at": cu.first_contact_due_at,
        }
        for cu in rows
    ]


@router.get(
    "/reports/late-files",
    response={200: list[dict], **ERRORS},
    summary="Late vehicle files 档案资料逾期",
)
def late_files(request: HttpRequest, limit: int = Query(200, ge=1, le=1000)):
    """R-1.4: sales and repair files whose documents reached CS after the deadline or are
    still missing past it, with the responsible person."""
    rows = sel.late_files(user=request.user)[:limit]
    return [
        {
            "id": f.id,
            "kind": f.kind,
            "customer": f.asset.customer.number,
            "asset": str(f.asset),
            "reference_no": f.reference_no,
            "opened_on": f.opened_on,
            "due_on": f.due_on,
            "completed_on": f.completed_on,
            "responsible": f.responsible,
        }
        for f in rows
    ]


@router.get("/{int:customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HttpRequest, customer_id: int):
    """The customer file with masked personal data (R-0.5), assets and vehicle files."""
    return customer_payload(_detail(request, customer_id))


@router.patch("/{int:customer_id}", response={200: CustomerOut, **ERRORS})
def patch_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch):
    """Change the fields sent; an agent may change only customers assigned to them."""
    customer = _customer(request, customer_id)
    _, warnings = svc.customer_update(
        actor=request.user, customer=customer, data=payload.dict(exclude_unset=True)
    )
    return customer_payload(_detail(request, customer_id), warnings)


@router.post("/{int:customer_id}/reveal", response={200: dict, **ERRORS})
def reveal(request: HttpRequest, customer_id: int, payload: RevealIn):
    """R-0.5: full phones / ID number / address for permitted roles; every reveal is logged."""
    customer = _customer(request, customer_id)
    return svc.customer_reveal(customer=customer, actor=request.user, fields=payload.fields)


@router.post("/{int:customer_id}/assets", response={201: AssetOut, **ERRORS})
def add_asset(request: HttpRequest, customer_id: int, payload: AssetIn):
    """R-1.3: a vehicle (VIN check digit, plate format), unit or order. A delivered vehicle
    opens its sales file with the document checklist (R-1.4)."""
    customer = _customer(request, customer_id)
    asset, _ = svc.asset_create(
        actor=request.user, customer=customer, data=payload.dict(exclude_none=True)
    )
    return Status(201, asset_payload(asset, sel.asset_files([asset.pk])))


class ReceiveIn(Schema):
    received_on: str | None = None  # YYYY-MM-DD, today when left out


@router.post(
    "/{int:customer_id}/files/{int:file_id}/documents/{code}/receive",
    response={200: CustomerOut, **ERRORS},
    summary="Document received 单据已交客服",
)
def receive_document(
    request: HttpRequest, customer_id: int, file_id: int, code: str, payload: ReceiveIn
):
    """R-1.4: tick a vehicle file's checklist line (`code`, e.g. `settlement`) with the day it
    reached CS — between the day the file was opened and today; a file whose last required
    document came after its deadline is `late`. Answers the customer with its files."""
    customer = _customer(request, customer_id)
    document = sel.document_of_customer(customer=customer, file_id=file_id, doc_code=code)
    day = parse_date(payload.received_on, field="received_on") if payload.received_on else None
    svc.file_document_receive(
        actor=request.user, document=document, received_on=day or timezone.localdate()
    )
    return customer_payload(_detail(request, customer_id))


@router.post("/{int:customer_id}/assign", response={200: CustomerOut, **ERRORS})
def assign(request: HttpRequest, customer_id: int, payload: AssignIn):
    """R-1.7: give the customer to `agent`, or to the least-loaded agent by skill."""
    svc.customer_assign(
        customer=_customer(request, customer_id), actor=request.user, agent=payload.agent
    )
    return customer_payload(_detail(request, customer_id))


@router.post("/{int:customer_id}/verify", response={200: CustomerOut, **ERRORS})
def verify(request: HttpRequest, customer_id: int, payload: VerifyIn):
    """R-1.10: verified, corrected (with `data`), or obsolete."""
    svc.customer_verify(
        customer=_customer(request, customer_id),
        actor=request.user,
        result=payload.result,
        data=payload.data,
    )
    return customer_payload(_detail(request, customer_id))


@router.post("/{int:customer_id}/merge", response={200: CustomerOut, **ERRORS})
def merge(request: HttpRequest, customer_id: int, payload: MergeIn):
    """R-1.9: merge customer `source_id` into this one, keeping all history."""
    svc.customer_merge(
        target=_customer(request, customer_id),
        source=_customer(request, payload.source_id),
        actor=request.user,
    )
    return customer_payload(_detail(request, customer_id))


@router.post("/{int:customer_id}/status", response={200: CustomerOut, **ERRORS})
def set_status(request: HttpRequest, customer_id: int, payload: StatusIn):
    """R-0.3: mark obsolete (废除) or active again; nothing is deleted."""
    svc.customer_set_status(
        actor=request.user,
        customer=_customer(request, customer_id),
        status=payload.status,
        reason=payload.reason,
    )
    return customer_payload(_detail(request, customer_id))


@router.get("/{int:customer_id}/history", response={200: list[HistoryOut], **ERRORS})
def history(request: HttpRequest, customer_id: int, limit: int = Query(200, ge=1, le=1000)):
    """R-0.3: who changed what and when, before → after (personal data masked), newest
    first, `limit` changes."""
    return sel.customer_history(
        user=request.user, customer=_customer(request, customer_id), limit=limit
    )


@imports_router.post(
    "/customers", response={200: dict, 202: dict, **ERRORS}, summary="Import customers 批量导入"
)
def import_customers(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = True,
    on_duplicate: str = "skip",
    background: bool = False,
):
    """R-1.8: CSV (UTF-8, BOM, GBK) or XLSX. `dry_run=true` checks only. A file with any
    rejected row imports nothing; the report lists every rejected, duplicate or empty row.
    An import (not a dry run) with `background=true`, or of a file over 1 MB, runs in the
    background: 202 with `job_id`; poll `GET /imports/customers/{job_id}`."""
    content = upload_bytes(file)
    name = file.name or "upload.csv"
    if not dry_run and (background or len(content) > transfer.BACKGROUND_BYTES):
        job = transfer.import_job_start(
            actor=request.user, filename=name, content=content, on_duplicate=on_duplicate
        )
        return Status(202, import_job_payload(job))
    report = transfer.import_customers(
        actor=request.user,
        filename=name,
        content=content,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
    )
    return report.as_dict()


def import_job_payload(job) -> dict:
    done = job.status not in ("queued", "running")
    return {
        "job_id": job.pk,
        "filename": job.filename,
        "status": job.status,
        "rows_checked": job.progress,
        "total_rows": job.total_rows if done else None,
        "created": job.created_count,
        "finished_at": job.finished_at,
        "report": job.report if done else None,
    }


@imports_router.get(
    "/customers/{int:job_id}", response={200: dict, **ERRORS}, summary="An import's progress"
)
def import_job(request: HttpRequest, job_id: int):
    """A background import: `queued`, `running` (with `rows_checked`), then `imported`,
    `rejected` (with the row report) or `failed`."""
    return import_job_payload(transfer.import_job_get(user=request.user, job_id=job_id))
