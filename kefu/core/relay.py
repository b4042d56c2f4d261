"""The channel layer of an embedded center served by several processes (`kefu serve
--workers N` with no Redis): each process keeps its own open pages in memory (Channels'
InMemoryChannelLayer), and a group message — a screen pop, a notice, the wall board — is
written once to a small SQLite file (var/push.sqlite3) that every process reads, one poll
per process every POLL_SECONDS (not one per open page), and hands to its own pages. So the
CTI call that one process received pops on the page another process holds, and the
scheduler (in the parent process) reaches every page.

Production uses Redis (channels-redis) instead; one process uses the plain in-memory layer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from typing import Any

from channels.layers import InMemoryChannelLayer

logger = logging.getLogger("kefu.push")

POLL_SECONDS = 0.2
KEEP_SECONDS = 120  # a message older than this is gone (a page that was away reloads)


class RelayChannelLayer(InMemoryChannelLayer):
    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._last: int | None = None
        self._poller: asyncio.Task | None = None
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS relay (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "grp TEXT NOT NULL, message TEXT NOT NULL, at REAL NOT NULL)"
            )

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _write(self, group: str, message: dict) -> None:
        db = self._db()
        try:
            now = time.time()
            db.execute(
                "INSERT INTO relay (grp, message, at) VALUES (?, ?, ?)",
                (group, json.dumps(message, ensure_ascii=False), now),
            )
            db.execute("DELETE FROM relay WHERE at < ?", (now - KEEP_SECONDS,))
        finally:
            db.close()

    def _read(self) -> list[tuple[int, str, str]]:
        db = self._db()
        try:
            if self._last is None:  # a process starting reads only what comes after it
                self._last = db.execute("SELECT COALESCE(MAX(id), 0) FROM relay").fetchone()[0]
                return []
            rows = db.execute(
                "SELECT id, grp, message FROM relay WHERE id > ? ORDER BY id", (self._last,)
            ).fetchall()
        finally:
            db.close()
        if rows:
            self._last = rows[-1][0]
        return rows

    async def group_send(self, group: str, message: dict) -> None:
        """Every process's pages in `group`, this one's included (through the poll)."""
        self.require_valid_group_name(group)
        await asyncio.to_thread(self._write, group, message)

    async def group_add(self, group: str, channel: str) -> None:
        await super().group_add(group, channel)
        self._start()

    def _start(self) -> None:
        if self._poller is None or self._poller.done():
            self._last = None
            self._read()
            self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                for _, group, raw in await asyncio.to_thread(self._read):
                    await InMemoryChannelLayer.group_send(self, group, json.loads(raw))
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked or damaged file: tell, and keep the pages served
                logger.exception("push relay: reading %s failed", self.path)
            await asyncio.sleep(POLL_SECONDS)

    async def flush(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
        await super().flush()
