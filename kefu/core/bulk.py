"""Fast bulk writes: COPY on PostgreSQL, bulk_create / bulk_update elsewhere; history
included.

Django's bulk_create spends most of a large import compiling INSERT parameters, and its
bulk_update builds a CASE expression per field and row in Python; COPY streams the same
values (each field's own pre_save and get_db_prep_save) several times faster — straight
into the table, or into a temporary one an UPDATE … FROM reads. The audit rows (R-0.3) are
the ones django-simple-history's bulk_history_create would write, built the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, JSONField, Model
from django.utils import timezone

BATCH = 2000
M = TypeVar("M", bound=Model)


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cur.fetchall()]


def _value_getter(field, conn, *, saved: bool = False):
    """How one field's value goes to COPY: psycopg adapts plain values itself; fields with a
    pre_save (auto_now) or a database preparation of their own (JSON) go through Django.
    `saved`: the object was just inserted, its auto_now values are set already."""
    if not saved and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
        return lambda obj: field.pre_save(obj, True)
    if isinstance(field, JSONField):
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), conn)
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def _copy(table: str, columns: list[str], rows) -> None:
    conn = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    cols = ", ".join(conn.ops.quote_name(c) for c in columns)
    conn.ensure_connection()
    with (
        conn.connection.cursor() as cur,
        cur.copy(f"COPY {conn.ops.quote_name(table)} ({cols}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def bulk_insert(model: type[Model], objs: Sequence[M]) -> Sequence[M]:
    """Insert `objs` and set their primary keys."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return objs
    for obj, pk in zip(objs, _reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
    conn = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    getters = [_value_getter(f, conn) for f in fields]
    _copy(
        model._meta.db_table,
        [str(f.column) for f in fields],
        ([get(obj) for get in getters] for obj in objs),
    )
    return objs


def bulk_insert_with_history(model: type[Model], objs: Sequence[M], *, user, reason: str):
    """Insert `objs` and one "+" history row each, attributed to `user` (what
    simple-history's bulk_history_create writes, without a model instance per row)."""
    bulk_insert(model, objs)
    _history(model, objs, user=user, reason=reason, kind="+")
    return objs


def bulk_set(model: type[Model], objs: Sequence[Model], fields: list[str]) -> None:
    """Write `fields` of `objs` (saved rows) in one statement per batch."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=100)
        return
    conn = connections[DEFAULT_DB_ALIAS]
    q = conn.ops.quote_name
    meta = model._meta
    chosen = [f for name in fields if isinstance(f := meta.get_field(name), Field)]
    columns = [str(meta.pk.column)] + [str(f.column) for f in chosen]
    getters = [_value_getter(meta.pk, conn, saved=True)] + [
        _value_getter(f, conn, saved=True) for f in chosen
    ]
    temp = q(f"_set_{meta.db_table}")
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {temp}")
        cols = ", ".join(q(c) for c in columns)
        cur.execute(
            f"CREATE TEMP TABLE {temp} AS SELECT {cols} FROM {q(meta.db_table)} WITH NO DATA"
        )
    _copy(f"_set_{meta.db_table}", columns, ([get(obj) for get in getters] for obj in objs))
    sets = ", ".join(f"{q(c)} = v.{q(c)}" for c in columns[1:])
    pk = q(columns[0])
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE {q(meta.db_table)} AS t SET {sets} FROM {temp} AS v WHERE t.{pk} = v.{pk}"
        )
        cur.execute(f"DROP TABLE {temp}")


def bulk_set_with_history(
    model: type[Model], objs: Sequence[Model], fields: list[str], *, user, reason: str
) -> None:
    """`bulk_set`, and one "~" history row each (R-0.3)."""
    bulk_set(model, objs, fields)
    _history(model, objs, user=user, reason=reason, kind="~")


def _history(model: type[Model], objs: Sequence[Model], *, user, reason: str, kind: str) -> None:
    if not objs:
        return
    history_model = model.history.model  # type: ignore[attr-defined]
    now = timezone.now()
    if connection.vendor != "postgresql":
        history_model.objects.bulk_create(
            [
                history_model(
                    history_date=now,
                    history_user=user,
                    history_change_reason=reason,
                    history_type=kind,
                    **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
                )
                for obj in objs
            ],
            batch_size=BATCH,
        )
        return
    conn = connections[DEFAULT_DB_ALIAS]
    tracked = history_model.tracked_fields
    getters = [_value_getter(f, conn, saved=True) for f in tracked]
    fixed = [now, user.pk if user else None, reason, kind]
    columns = [f.column for f in tracked] + [
        "history_date",
        "history_user_id",
        "history_change_reason",
        "history_type",
    ]
    _copy(
        history_model._meta.db_table,
        columns,
        ([get(obj) for get in getters] + fixed for obj in objs),
    )
