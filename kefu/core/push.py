"""Push to the console pages people have open (issue 11): screen pops, new notices, status.

Every signed-in console page holds one WebSocket (`/ws/console/`, Django Channels) and is in
the group of its user. A service calls `push_users(ids, message)`; the message goes out when
the transaction commits, so nobody is told about a row that was rolled back. The channel layer
is in memory in the embedded center (one process) and Redis in production (channels-redis),
so a Celery worker's escalation reaches a page served by any web process.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("kefu.push")

# The serving process's event loop, learned from the first connection: a push from a thread
# that did not come from a request (the in-process scheduler) is handed to that loop, since
# the in-memory layer's queues belong to it.
_server_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()
OPEN: dict[str, int] = {"connections": 0}


WALL_GROUP = "board.wall"  # the wall boards (实时监控大屏) open anywhere


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _send(groups: list[str], message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        for group in groups:
            await layer.group_send(group, {"type": "push.message", "data": message})

    loop = _server_loop
    try:
        if loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(send_all(), loop).result(timeout=5)
        elif _loop_running_here():
            # called from code that runs its own event loop in this thread (a browser
            # driver, a notebook): send from a helper thread instead
            helper = threading.Thread(target=async_to_sync(send_all))
            helper.start()
            helper.join(timeout=5)
        else:  # a Celery worker, a management command: no loop of its own
            async_to_sync(send_all)()
    except Exception:  # a push is a courtesy: the row is stored and the page shows it anyway
        logger.exception("push to %s failed", groups)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def push_users(user_ids: Iterable[int | None], message: dict[str, Any]) -> None:
    """Send `message` (JSON: a `type` and its fields) to every open page of these users,
    once the current transaction commits."""
    groups = sorted({user_group(uid) for uid in user_ids if uid})
    if groups:
        transaction.on_commit(lambda: _send(groups, message))


def push_wall(message: dict[str, Any]) -> None:
    """Tell every open wall board that its figures changed (a call rang, was answered or
    hung up), once the current transaction commits; the board reads them again."""
    transaction.on_commit(lambda: _send([WALL_GROUP], message))


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    """One open console page: joins its user's group and relays what is pushed to it."""

    group = ""
    wall = False

    async def connect(self) -> None:
        global _server_loop
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        with _lock:
            _server_loop = asyncio.get_running_loop()
            OPEN["connections"] += 1
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        if b"wall=1" in self.scope.get("query_string", b""):
            self.wall = True
            await self.channel_layer.group_add(WALL_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            with _lock:
                OPEN["connections"] -= 1
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.wall:
            await self.channel_layer.group_discard(WALL_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def push_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["data"])
