"""Live updates for projectors and organisers: Redis pub/sub across workers and machines.

A change (a ballot cast, voting opened or closed, a tally) publishes the round's code on
``tinnhiem:ROUND``; in every worker one ``Hub`` task per round wakes, reads the new state
from the database once, and hands it to all of that worker's event streams for the round
(200 projectors and organiser pages cost one read per change, not 200). Without
TINNHIEM_REDIS_URL (one laptop, SQLite) the hub reads every second instead. Only the
round's code travels through Redis: no ballot, no delegate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import redis
import redis.asyncio as aioredis


class Live:
    def __init__(self, url: str | None) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url) if url else None

    def changed(self, code: str) -> None:
        """Tell every worker that the round's state changed (best effort: streams also re-read on a timer)."""
        if self.client is not None:
            with contextlib.suppress(redis.RedisError):  # the streams fall back to their timer
                self.client.publish(f"tinnhiem:{code}", b"1")

    async def ticks(self, code: str, every: float = 1.0) -> AsyncIterator[None]:
        """Yield when the round may have changed: at once, on every publish, and at least every 5 s.

        Without Redis, or once Redis fails, every ``every`` seconds instead.
        """
        yield None
        if self.url is not None:
            client = aioredis.Redis.from_url(self.url)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(f"tinnhiem:{code}")
                while True:
                    if await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0) is not None:
                        while await pubsub.get_message(ignore_subscribe_messages=True, timeout=0) is not None:
                            pass  # changes that came together are read together
                    yield None
            except redis.RedisError:
                pass  # Redis gone: the timer below keeps the screens right
            finally:
                with contextlib.suppress(redis.RedisError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
                    await client.aclose()
        while True:
            await asyncio.sleep(every)
            yield None


Read = Callable[[str], dict[str, object]]
MAX_STREAMS = 500  # per worker: a hall's projectors and organisers' pages are tens; each stream holds a connection


class Room:
    """One round's screens in this worker: the last state read, and who is watching."""

    def __init__(self) -> None:
        self.state: dict[str, object] | None = None
        self.version = 0
        self.changed = asyncio.Event()  # replaced at each change: no lock, so a screen may leave at any time
        self.watchers = 0
        self.task: asyncio.Task[None] | None = None

    def publish(self, state: dict[str, object]) -> None:
        woken, self.changed = self.changed, asyncio.Event()
        self.state, self.version = state, self.version + 1
        woken.set()


class Hub:
    """Per worker: one reader per round, whatever the number of screens.

    The first screen of a round starts a task that waits for the round's ticks, reads the
    state once per tick (in a thread: the database is synchronous) and, when it differs,
    hands it to every screen of the round, then rests ``pause`` seconds: the changes of a
    burst are read and sent together. The last screen to leave stops the task.
    """

    def __init__(self, live: Live, read: Read, keep_alive: float = 15.0, pause: float = 1.0,
                 max_streams: int = MAX_STREAMS) -> None:
        self.live, self.read, self.keep_alive, self.pause = live, read, keep_alive, pause
        self.rooms: dict[str, Room] = {}
        self.streams, self.max_streams = 0, max_streams

    @property
    def full(self) -> bool:
        """Whether this worker already serves its most streams (a new one is refused as busy)."""
        return self.streams >= self.max_streams

    async def states(self, code: str) -> AsyncIterator[dict[str, object] | None]:
        """Each new state of the round as it is read (the current one first); None to keep the line alive."""
        room = self.rooms.setdefault(code, Room())
        room.watchers += 1
        self.streams += 1
        if room.task is None:
            room.task = asyncio.create_task(self._watch(code, room))
        seen = 0
        try:
            while True:
                if room.version > seen and room.state is not None:
                    seen = room.version
                    yield room.state
                    continue
                try:
                    await asyncio.wait_for(room.changed.wait(), self.keep_alive)
                except TimeoutError:
                    yield None
        finally:
            room.watchers -= 1
            self.streams -= 1
            if room.watchers == 0 and self.rooms.get(code) is room:
                del self.rooms[code]
                if room.task is not None:
                    room.task.cancel()

    async def _watch(self, code: str, room: Room) -> None:
        async for _ in self.live.ticks(code):
            try:
                state = await asyncio.to_thread(self.read, code)
            except Exception:  # noqa: BLE001 (the database busy or restarting: the next tick reads again)
                continue
            if state != room.state:
                room.publish(state)
                await asyncio.sleep(self.pause)  # a burst of casts: one read and one message per pause, not per cast
