"""Reports and exports read a PostgreSQL read replica when there is one (KEFU_REPLICA_URL),
so a month's report or a customer export at 10:00 does not slow the agents' screen pops on
the primary. Everything else — and every write — stays on the primary.

Only the code that asks for it reads the replica: a function marked `@replica_reads` (report
builders, exports, the scheduled reports). Before the replica is used it is checked, at most
every CHECK_SECONDS per process: a replica that does not answer, or that replays more than
KEFU_REPLICA_MAX_LAG seconds (default 30) behind the primary, is passed over and the
primary answers instead — a report is a little slower, never wrong or failed. Each change of
state is logged once (the operator sees it in the logs and on /readyz)."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import connections

logger = logging.getLogger("kefu.replica")

REPLICA = "replica"
CHECK_SECONDS = 10.0
F = TypeVar("F", bound=Callable[..., Any])

_reading: ContextVar[bool] = ContextVar("kefu_replica_reads", default=False)
_lock = threading.Lock()
_state: dict[str, Any] = {"checked": None, "ok": False, "why": "not checked"}

# The replica's lag: 0 on a server that is not a standby (a copy kept otherwise) and on a
# standby that has replayed all it received (an idle primary sends nothing, so the time of
# the last replayed transaction alone would grow all night); otherwise seconds since it.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def max_lag() -> float:
    return float(os.environ.get("KEFU_REPLICA_MAX_LAG", "30"))


@contextmanager
def replica_reading() -> Iterator[None]:
    """Reads inside go to the replica when it is usable (querysets are read when they are
    evaluated: evaluate them inside)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads(func: F) -> F:
    """Mark a read-only function (a report, an export) as one the replica may answer."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reading():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_lag() -> float:
    """Seconds the replica is behind (raises when it does not answer)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_state(now: float | None = None) -> tuple[bool, str]:
    """(usable, why not): checked at most every CHECK_SECONDS, the answer kept between."""
    if not replica_configured():
        return False, "not configured"
    now = time.monotonic() if now is None else now
    with _lock:
        checked = _state["checked"]
        if checked is not None and now - checked < CHECK_SECONDS:
            return _state["ok"], _state["why"]
    try:
        lag = replica_lag()
        ok, why = lag <= max_lag(), f"{lag:.0f} s behind (more than {max_lag():.0f} s)"
    except Exception as exc:  # down, refused, wrong name: the primary answers
        ok, why = False, f"not answering: {str(exc).strip()[:200]}"
        try:
            connections[REPLICA].close()
        except Exception:
            pass
    with _lock:
        if ok != _state["ok"] or _state["checked"] is None:
            if ok:
                logger.info("read replica in use for reports and exports")
            else:
                logger.warning("read replica not used, the primary answers: %s", why)
        _state.update(checked=now, ok=ok, why="" if ok else why)
    return ok, "" if ok else why


def replica_forget() -> None:
    """Check again at the next read (tests; after the operator repaired the replica)."""
    with _lock:
        _state.update(checked=None, ok=False, why="not checked")


class ReplicaRouter:
    """DATABASE_ROUTERS: the replica for marked reads when usable; never for writes or
    migrations (it is a copy the primary's replication keeps)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and replica_state()[0]:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"  # even for a row read from the replica (Django would follow it)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same rows, read from either copy

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
