"""API shapes of the customer archive. Inputs are loose strings on purpose: the services
validate them and answer in Chinese and English naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from kefu.core.api import Problem


class CustomerIn(Schema):
    name: str
    phones: list[str]
    gender: str | None = None
    kind: str | None = None
    id_number: str | None = None
    birthday: str | None = None
    birthday_calendar: str | None = None
    address: str | None = None
    email: str | None = None
    card_expires_on: str | None = None
    source: str | None = None
    level: str | None = None
    tags: list[str] | None = None
    owner: str | None = None
    notes: str | None = None
    sms_opt_out: bool | None = None
    phone_opt_out: bool | None = None
    extra: dict | None = None


class CustomerPatch(Schema):
    name: str | None = None
    phones: list[str] | None = None
    gender: str | None = None
    kind: str | None = None
    id_number: str | None = None
    birthday: str | None = None
    birthday_calendar: str | None = None
    address: str | None = None
    email: str | None = None
    card_expires_on: str | None = None
    source: str | None = None
    level: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    sms_opt_out: bool | None = None
    phone_opt_out: bool | None = None
    extra: dict | None = None


class UserRef(Schema):
    id: int
    username: str
    name: str


class DocumentOut(Schema):
    code: str
    name: str
    required: bool
    received_on: dt.date | None


class FileOut(Schema):
    id: int
    kind: str
    reference_no: str
    opened_on: dt.date
    due_on: dt.date
    completed_on: dt.date | None
    responsible: str
    required: int
    received: int
    complete: bool
    late: bool
    documents: list[DocumentOut]


class AssetIn(Schema):
    kind: str
    vin: str | None = None
    plate: str | None = None
    model: str | None = None
    reference_no: str | None = None
    invoiced_on: str | None = None
    delivered_on: str | None = None
    secondary_outlet: bool | None = None
    salesperson: str | None = None
    last_repair_on: str | None = None
    next_maintenance_on: str | None = None
    inspection_due_on: str | None = None
    insurance_expires_on: str | None = None
    vehicle_tax_due_on: str | None = None
    building: str | None = None
    room: str | None = None
    moved_in_on: str | None = None
    category: str | None = None
    amount: str | None = None
    deposit_on: str | None = None
    contract_on: str | None = None
    installed_on: str | None = None


class AssetOut(Schema):
    id: int
    kind: str
    status: str
    label: str
    model: str
    vin: str
    plate: str
    reference_no: str
    invoiced_on: dt.date | None
    delivered_on: dt.date | None
    secondary_outlet: bool
    salesperson: str
    last_repair_on: dt.date | None
    next_maintenance_on: dt.date | None
    inspection_due_on: dt.date | None
    insurance_expires_on: dt.date | None
    vehicle_tax_due_on: dt.date | None
    building: str
    room: str
    category: str
    amount: Decimal | None
    files: list[FileOut] = []


class CustomerOut(Schema):
    id: int
    number: str
    name: str
    name_pinyin: str
    gender: str
    kind: str
    level: str
    status: str
    phones: list[str]
    id_number: str
    address: str
    email: str
    card_expires_on: dt.date | None
    birthday: dt.date | None
    birthday_calendar: str
    source: str
    tags: list[str]
    owner: UserRef | None
    notes: str
    extra: dict
    sms_opt_out: bool
    phone_opt_out: bool
    verification: str
    first_contact_due_at: dt.datetime | None
    first_contacted_at: dt.datetime | None
    merged_into: str | None
    assets: list[AssetOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    warnings: list[Problem] = []


class CustomerCard(Schema):
    id: int
    number: str
    name: str
    gender: str
    level: str
    status: str
    phones: list[str]
    plates: list[str]
    vins: list[str]
    owner: str | None
    matched: str


class SearchOut(Schema):
    items: list[CustomerCard]
    count: int
    count_capped: bool
    page: int
    page_size: int
    kinds: list[str]


class ScreenPopOut(Schema):
    customer: CustomerOut
    others: list[CustomerCard]
    open_items: list[dict]
    recent_interactions: list[dict]


class RevealIn(Schema):
    fields: list[str]


class AssignIn(Schema):
    agent: str | None = None


class VerifyIn(Schema):
    result: str
    data: dict | None = None


class MergeIn(Schema):
    source_id: int


class StatusIn(Schema):
    status: str
    reason: str = ""


class HistoryOut(Schema):
    at: dt.datetime
    user: str | None
    action: str
    changes: list[dict]
    reason: str | None
