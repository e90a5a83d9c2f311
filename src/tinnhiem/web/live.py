"""Live updates for projectors and organisers: Redis pub/sub across workers and machines.

A change (a ballot cast, voting opened or closed, a tally) publishes the round's code on
``tinnhiem:ROUND``; every worker's event stream wakes and reads the new state from the
database. Without TINNHIEM_REDIS_URL (one laptop, SQLite) the streams read the database
every second instead. Only the round's code travels through Redis: no ballot, no delegate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

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
        """Yield when the round may have changed: at once, on every publish, and at least every 5 s."""
        yield None
        if self.url is None:
            while True:
                await asyncio.sleep(every)
                yield None
        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub()
        await pubsub.subscribe(f"tinnhiem:{code}")
        try:
            while True:
                await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                yield None
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()
            await client.aclose()
