"""Bulk import and export of customer archives (R-1.8): CSV (UTF-8, BOM, GBK/GB18030) and XLSX.

An import is checked whole first; a file with any rejected row imports nothing (all or
nothing), and every rejected, duplicate or empty row is listed with its line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.bulk import bulk_insert_with_history
from kefu.core.errors import FieldError, KefuError, NotFound, ValidationFailed
from kefu.core.services import center_settings, counter_reserve
from kefu.customers import choices as c
from kefu.customers.files import bad_file, read_rows, upload_hold, upload_take
from kefu.customers.inputs import clean_asset, clean_customer
from kefu.customers.models import Asset, Customer, CustomerPhone, ImportJob, Tag
from kefu.customers.services import customer_number_format, profile_field_map
from kefu.customers.validation import name_keys

# (field, Chinese header, other accepted headers)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("number", "客户编号", ("客户ID", "customer_number")),
    ("name", "姓名", ("客户姓名", "客户名称", "名称")),
    ("gender", "性别", ()),
    ("phones", "电话", ("手机", "手机号", "联系电话", "phone")),
    ("id_number", "身份证号", ("身份证", "证件号码")),
    ("birthday", "生日", ("出生日期",)),
    ("birthday_calendar", "生日历法", ("历法",)),
    ("address", "地址", ("联系地址", "住址")),
    ("email", "邮箱", ("电子邮件", "e-mail", "Email")),
    ("source", "来源", ("客户来源",)),
    ("kind", "客户类型", ("类型",)),
    ("level", "级别", ("客户级别", "会员级别")),
    ("card_expires_on", "会员卡到期", ("会员卡有效期", "card expires")),
    ("tags", "标签", ()),
    ("owner", "专属客服", ("客服", "负责人")),
    ("notes", "备注", ()),
    ("sms_opt_out", "拒收短信", ()),
    ("phone_opt_out", "拒接回访", ()),
    ("vin", "车架号", ("VIN", "车辆识别代号")),
    ("plate", "车牌号", ("车牌",)),
    ("model", "车型", ("品牌车型",)),
    ("invoiced_on", "开票日期", ()),
    ("delivered_on", "交车日期", ("送货日期",)),
    ("salesperson", "销售顾问", ()),
    ("secondary_outlet", "二级网点", ()),
    ("last_repair_on", "最近维修日期", ()),
    ("next_maintenance_on", "下次保养日期", ()),
    ("inspection_due_on", "年审到期", ()),
    ("insurance_expires_on", "保险到期", ()),
    ("vehicle_tax_due_on", "车船税到期", ()),
    ("building", "楼栋", ()),
    ("room", "房号", ()),
    ("moved_in_on", "入住日期", ()),
    ("category", "品类", ()),
    ("amount", "金额", ()),
    ("deposit_on", "定金日期", ()),
    ("contract_on", "合同日期", ()),
    ("installed_on", "安装日期", ()),
    ("reference_no", "外部单号", ("订单号", "DMS单号")),
]
ASSET_FIELDS = {name for name, *_ in COLUMNS[16:]}
HEADER_NAMES = {name: zh for name, zh, _ in COLUMNS}
BATCH = 2000


@dataclass
class Report:
    dry_run: bool
    filename: str
    total_rows: int = 0
    empty_rows: int = 0
    created: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    status: str = "checked"
    job_id: int | None = None

    errors_dropped: int = 0  # errors past the report's limit, counted not listed

    def add(self, bucket: list, line: int, err: FieldError) -> None:
        name = err.field.split("[")[0].split(".")[0]
        if bucket is self.errors and len(bucket) >= settings.KEFU["IMPORT_MAX_ERRORS"]:
            self.errors_dropped += 1  # the report stays bounded; the file is rejected anyway
            return
        bucket.append(
            {
                "line": line,
                "column": HEADER_NAMES.get(name, err.field),
                "field": err.field,
                "code": err.code,
                "message": err.message,
                "message_en": err.message_en,
            }
        )

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "dry_run": self.dry_run,
            "filename": self.filename,
            "total_rows": self.total_rows,
            "empty_rows": self.empty_rows,
            "valid_rows": self.total_rows - self.empty_rows - len({e["line"] for e in self.errors}),
            "created": self.created,
            "error_count": len(self.errors) + self.errors_dropped,
            "errors_not_listed": self.errors_dropped,
            "duplicate_count": len(self.duplicates),
            "job_id": self.job_id,
            "errors": self.errors,
            "warnings": self.warnings,
            "duplicates": self.duplicates,
        }


def map_header(header: list) -> dict[int, str]:
    lookup = {}
    for name, zh, others in COLUMNS:
        for alias in (name, zh, *others):
            lookup[alias.lower()] = name
    mapping, unknown = {}, []
    for i, title in enumerate(header):
        if title is None:
            continue
        key = lookup.get(str(title).strip().lower())
        if key:
            mapping[i] = key
        else:
            unknown.append(str(title))
    missing = [HEADER_NAMES[k] for k in ("name", "phones") if k not in mapping.values()]
    if missing:
        raise ValidationFailed(
            FieldError(
                "header",
                "missing_columns",
                f"缺少必需的列：{'、'.join(missing)}",
                f"Missing required columns: {', '.join(missing)}",
            )
        )
    if unknown:
        mapping[-1] = ",".join(unknown)
    return mapping


@dataclass
class Row:
    line: int
    customer: dict
    asset: dict | None
    phones: list
    owner: str | None


PROGRESS_EVERY = 1000  # rows between two progress reports


def _may_import(actor: User, on_duplicate: str) -> None:
    require(actor, P.IMPORT_CUSTOMERS)
    if on_duplicate not in ("skip", "create"):
        raise ValidationFailed(
            FieldError(
                "on_duplicate",
                "invalid",
                "on_duplicate 须为 skip 或 create",
                "on_duplicate must be skip or create",
            )
        )


def import_customers(
    *,
    actor: User,
    filename: str,
    content: bytes,
    dry_run: bool = True,
    on_duplicate: str = "skip",
    progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
    job: ImportJob | None = None,
) -> Report:
    """Check (dry run) or import a customer file; returns the row-level report.

    on_duplicate: "skip" lists rows whose phone, ID number or VIN is already on file (or
    earlier in the file) and leaves them out; "create" imports them as new customers.
    `progress(rows_checked)` is called every PROGRESS_EVERY rows. Every row is checked before
    any is written; with `batch_size` (a background import) the checked rows are then written
    in transactions of that many, so other writers wait seconds, not minutes — a run stopped
    half-way is completed by importing the same file again (the written rows are skipped as
    duplicates). `job` is the ImportJob to complete instead of a new one.
    """
    _may_import(actor, on_duplicate)
    report = Report(dry_run=dry_run, filename=filename)
    rows_iter = read_rows(filename, content)
    header = next(rows_iter, None)
    if header is None:
        raise ValidationFailed(FieldError("file", "empty_file", "文件为空", "The file is empty"))
    mapping = map_header(header)
    if -1 in mapping:
        report.warnings.append(
            {
                "line": 1,
                "column": mapping.pop(-1),
                "field": "header",
                "code": "ignored_columns",
                "message": "以下列未识别，已忽略",
                "message_en": "Unrecognised columns were ignored",
            }
        )
    preset = center_settings().preset
    asset_kind = ((preset.config.get("asset_kinds") if preset else None) or ["vehicle"])[0]
    fields = profile_field_map()
    usernames = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    rows: list[Row] = []
    for line, values in enumerate(rows_iter, start=2):
        report.total_rows += 1
        if progress is not None and report.total_rows % PROGRESS_EVERY == 0:
            progress(report.total_rows)
        data = {mapping[i]: v for i, v in enumerate(values) if i in mapping and v is not None}
        if not data:
            report.empty_rows += 1
            continue
        cleaned = clean_customer(data, profile_fields=fields)
        asset_data = {k: v for k, v in data.items() if k in ASSET_FIELDS}
        asset = None
        if asset_data:
            ac = clean_asset({"kind": asset_kind, **asset_data})
            cleaned.errors += ac.errors
            cleaned.warnings += ac.warnings
            asset = ac.values
        owner = data.get("owner")
        if owner and owner not in usernames:
            cleaned.errors.append(
                FieldError(
                    "owner",
                    "unknown_user",
                    f"专属客服不存在：{owner}",
                    f"Unknown owner user: {owner}",
                )
            )
        for err in cleaned.errors:
            report.add(report.errors, line, err)
        for warn in cleaned.warnings:
            report.add(report.warnings, line, warn)
        if not cleaned.errors:
            rows.append(Row(line, cleaned.values, asset, cleaned.values.pop("phones"), owner))
    if report.total_rows == report.empty_rows:
        raise ValidationFailed(
            FieldError("file", "no_rows", "文件中没有数据行", "The file has no data rows")
        )
    rows = _drop_duplicates(rows, report, on_duplicate)
    if progress is not None:
        progress(report.total_rows)
    if batch_size and not dry_run and not report.errors:
        for chunk in _chunks(rows, batch_size):
            with transaction.atomic():
                report.created += _write(chunk, actor)
        report.status = "imported"
    # The rows and the record of their import commit together, or neither does.
    with transaction.atomic():
        if report.errors:
            report.status = "rejected"
        elif not dry_run and not batch_size:
            report.created = _write(rows, actor)
            report.status = "imported"
        values = {
            "status": report.status,
            "total_rows": report.total_rows,
            "created_count": report.created,
            "progress": report.total_rows,
            "finished_at": timezone.now(),
        }
        if job is None:
            job = ImportJob.objects.create(
                user=actor, filename=filename[:200], dry_run=dry_run, **values
            )
        report.job_id = job.pk
        job_values = {**values, "report": report.as_dict()}
        ImportJob.objects.filter(pk=job.pk).update(**job_values)
    return report


def import_job_start(
    *, actor: User, filename: str, content: bytes, on_duplicate: str = "skip"
) -> ImportJob:
    """A large import runs in the background (the scheduler in the embedded center, Celery
    in production): the file is held and the job queued; poll it for progress."""
    _may_import(actor, on_duplicate)
    return ImportJob.objects.create(
        user=actor,
        filename=filename[:200],
        dry_run=False,
        status="queued",
        held=upload_hold(content),
        on_duplicate=on_duplicate,
    )


def import_jobs_run(limit: int = 5) -> int:
    """Run queued background imports, oldest first; each is claimed by one runner (the
    status moves from queued to running in one UPDATE). A job still running hours later
    died with its process (a restart): it is marked failed, saying what to do, so nobody
    waits on a progress bar forever. Returns how many ran."""
    ImportJob.objects.filter(status="running", created_at__lt=timezone.now() - STALE_IMPORT).update(
        status="failed",
        finished_at=timezone.now(),
        report=InterruptedImport().as_dict(),
    )
    ran = 0
    for pk in list(
        ImportJob.objects.filter(status="queued").order_by("id").values_list("pk", flat=True)
    )[:limit]:
        if not ImportJob.objects.filter(pk=pk, status="queued").update(status="running"):
            continue  # another runner took it
        job = ImportJob.objects.select_related("user").get(pk=pk)
        content = upload_take(job.held)
        try:
            if content is None:
                raise bad_file("file_gone", "待导入的文件已不存在", "The held file is gone")
            import_customers(
                actor=job.user,
                filename=job.filename,
                content=content,
                dry_run=False,
                on_duplicate=job.on_duplicate,
                progress=lambda n, pk=pk: ImportJob.objects.filter(pk=pk).update(progress=n),
                batch_size=IMPORT_BATCH,
                job=job,
            )
        except KefuError as exc:
            ImportJob.objects.filter(pk=pk).update(
                status="failed", report=exc.as_dict(), finished_at=timezone.now()
            )
        except Exception as exc:  # recorded for the person waiting; the runner goes on
            ImportJob.objects.filter(pk=pk).update(
                status="failed",
                report={
                    "errors": [
                        {
                            "field": "",
                            "code": "failed",
                            "message": "导入失败",
                            "message_en": f"Import failed: {exc!r}"[:500],
                        }
                    ]
                },
                finished_at=timezone.now(),
            )
        ran += 1
    return ran


IMPORT_BATCH = 2000  # rows a background import writes per transaction
BACKGROUND_BYTES = 2**20  # an API import of a larger file runs in the background


def import_job_get(*, user: User, job_id: int) -> ImportJob:
    """An import job, for whoever may import."""
    require(user, P.IMPORT_CUSTOMERS)
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"import job {job_id}")
    return job


STALE_IMPORT = dt.timedelta(hours=2)


class InterruptedImport(KefuError):
    def __init__(self):
        super().__init__(
            FieldError(
                "",
                "interrupted",
                "导入被中断（服务重启）；请重新导入该文件，已导入的行会作为重复跳过",
                "The import was interrupted (a restart); import the file again: rows already "
                "written are skipped as duplicates",
            )
        )


class FailedImport(KefuError):
    """An import that broke for a reason not in the file (recorded on its job)."""

    def __init__(self, exc: Exception):
        super().__init__(
            FieldError("", "failed", "导入失败，请联系管理员", f"Import failed: {exc!r}"[:500])
        )


def _chunks(items: list, size: int = 5000) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _drop_duplicates(rows: list[Row], report: Report, on_duplicate: str) -> list[Row]:
    """Mark rows that repeat a phone, ID number or VIN already on file or earlier in the file."""
    phones = sorted({p.number for r in rows for p in r.phones})
    ids = sorted({r.customer["id_number"] for r in rows if r.customer.get("id_number")})
    vins = sorted({r.asset["vin"] for r in rows if r.asset and r.asset.get("vin")})
    on_file: dict[tuple[str, str], str] = {}
    for chunk in _chunks(phones):
        for number, cust in CustomerPhone.objects.filter(
            number__in=chunk, customer__status=c.Status.ACTIVE
        ).values_list("number", "customer__number"):
            on_file[("phone", number)] = cust
    for chunk in _chunks(ids):
        for ident, cust in Customer.objects.filter(
            id_number__in=chunk, status=c.Status.ACTIVE
        ).values_list("id_number", "number"):
            on_file[("id_number", ident)] = cust
    for chunk in _chunks(vins):
        for vin, cust in Asset.objects.filter(vin__in=chunk, status=c.Status.ACTIVE).values_list(
            "vin", "customer__number"
        ):
            on_file[("vin", vin)] = cust
    seen: dict[tuple[str, str], int] = {}
    kept = []
    labels = {
        "phone": ("电话", "phone"),
        "id_number": ("身份证号", "ID number"),
        "vin": ("车架号", "VIN"),
    }
    for row in rows:
        keys = [("phone", p.number) for p in row.phones]
        if row.customer.get("id_number"):
            keys.append(("id_number", row.customer["id_number"]))
        if row.asset and row.asset.get("vin"):
            keys.append(("vin", row.asset["vin"]))
        dup = None
        for key in keys:
            zh, en = labels[key[0]]
            shown = key[1][-4:] if key[0] == "phone" else key[1]
            if key in on_file:
                dup = {
                    "line": row.line,
                    "field": key[0],
                    "value": shown,
                    "customer": on_file[key],
                    "message": f"{zh} {shown} 已属于客户 {on_file[key]}",
                    "message_en": f"{en} {shown} already belongs to {on_file[key]}",
                }
            elif key in seen:
                dup = {
                    "line": row.line,
                    "field": key[0],
                    "value": shown,
                    "same_as_line": seen[key],
                    "message": f"{zh} {shown} 与第 {seen[key]} 行重复",
                    "message_en": f"{en} {shown} repeats line {seen[key]}",
                }
            if dup:
                break
        for key in keys:
            seen.setdefault(key, row.line)
        if dup is None:
            kept.append(row)
            continue
        if on_duplicate == "create" and dup["field"] == "vin":
            report.errors.append(
                {
                    "line": row.line,
                    "column": "车架号",
                    "field": "vin",
                    "code": "duplicate_vin",
                    "message": dup["message"],
                    "message_en": dup["message_en"],
                }
            )
            continue
        dup["action"] = "skipped" if on_duplicate == "skip" else "created"
        report.duplicates.append(dup)
        if on_duplicate == "create":
            kept.append(row)
    return kept


def _owner_picker(users: dict[str, User]):
    """Balanced assignment for a batch (R-1.7): loads counted once, then kept in memory."""
    agents = list(
        User.objects.filter(is_active=True, accepts_customers=True, role=Role.AGENT).annotate(
            load=Count("customers", filter=Q(customers__status=c.Status.ACTIVE))
        )
    )
    loads = {a.pk: a.load for a in agents}

    def pick(username: str | None) -> User | None:
        if username:
            return users[username]
        if not agents:
            return None
        best = min(agents, key=lambda a: ((loads[a.pk] + 1) / max(a.skill_level, 1), a.pk))
        loads[best.pk] += 1
        return best

    return pick


def _write(rows: list[Row], actor: User) -> int:
    if not rows:
        return 0
    first = counter_reserve(name="customer", count=len(rows))
    now = timezone.now()
    due = now + dt.timedelta(hours=center_settings().first_contact_hours)
    owners = {
        u.username: u for u in User.objects.filter(username__in={r.owner for r in rows if r.owner})
    }
    pick = _owner_picker(owners)
    customers = []
    for i, row in enumerate(rows):
        v = dict(row.customer)
        tags = v.pop("tags", None)
        pinyin, initials = name_keys(v["name"])
        owner = pick(row.owner)
        cust = Customer(
            number=customer_number_format(first + i),
            name_pinyin=pinyin,
            name_initials=initials,
            owner=owner,
            assigned_at=now if owner else None,
            first_contact_due_at=due if owner else None,
            source=v.pop("source", "") or "import",
            **v,
        )
        cust._tags = tags
        customers.append(cust)
    bulk_insert_with_history(Customer, customers, user=actor, reason="import")
    phones, assets, tag_links = [], [], []
    tag_names = {t for cu in customers for t in (cu._tags or [])}
    tags = {t.name: t for t in Tag.objects.filter(name__in=tag_names)}
    for name in tag_names - tags.keys():
        tags[name] = Tag.objects.create(name=name)
    through = Customer.tags.through
    for row, cust in zip(rows, customers, strict=True):
        for j, phone in enumerate(row.phones):
            phones.append(
                CustomerPhone(
                    customer_id=cust.pk,
                    number=phone.number,
                    last4=phone.last4,
                    kind=phone.kind,
                    is_primary=j == 0,
                )
            )
        if row.asset:
            assets.append(Asset(customer_id=cust.pk, **row.asset))
        for name in cust._tags or []:
            tag_links.append(through(customer_id=cust.pk, tag_id=tags[name].pk))
    bulk_insert_with_history(CustomerPhone, phones, user=actor, reason="import")
    bulk_insert_with_history(Asset, assets, user=actor, reason="import")
    through.objects.bulk_create(tag_links, batch_size=BATCH)
    return len(customers)


from kefu.customers.export import export_customers  # noqa: E402, F401  (kept importable here)
