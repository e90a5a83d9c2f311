"""One hall worker under cProfile, for ``bench load`` with TINNHIEM_BENCH_PROFILE set: the event loop's thread and
every thread a route runs in (anyio's pool), merged into one file when the server is stopped (SIGTERM).
Usage: python -m bench.profiled_hall PORT FILE."""

from __future__ import annotations

import cProfile
import functools
import pstats
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import uvicorn

PROFILES: list[cProfile.Profile] = []
_local = threading.local()


def _profiled(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def run(*args: Any) -> Any:
        profile = getattr(_local, "profile", None)
        if profile is None:
            profile = _local.profile = cProfile.Profile(time.thread_time)  # CPU, not waiting
            PROFILES.append(profile)
        profile.enable()
        try:
            return func(*args)
        finally:
            profile.disable()
    return run


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    signal.signal(signal.SIGTERM, lambda *_: None)  # uvicorn raises the signal again once stopped: not fatal here
    in_thread = anyio.to_thread.run_sync

    async def run_sync(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await in_thread(_profiled(func), *args, **kwargs)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
    loop = cProfile.Profile(time.thread_time)
    PROFILES.append(loop)
    loop.enable()
    try:
        uvicorn.run("tinnhiem.web.app:create_app", factory=True, host="127.0.0.1", port=port, log_level="warning",
                    access_log=False)
    finally:
        loop.disable()
        stats = pstats.Stats(PROFILES[0])
        for profile in PROFILES[1:]:
            stats.add(profile)
        stats.dump_stats(path)


if __name__ == "__main__":
    main()
