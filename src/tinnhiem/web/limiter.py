"""Sign-in limits per target (a card, an account), shared by every worker through Redis.

``Limiter.hit(key)`` counts one attempt at ``key`` and says whether it may go on. Keys name what
is being guessed (a card, an organiser's login), never the client's address: behind the
hall's router or a proxy every phone shares one address, so a limit per address let one guesser
lock out the hall. With TINNHIEM_REDIS_URL the counts live in Redis (the same for all workers,
kept over a restart); without it, or while Redis is unreachable, in this process's memory.
No key holds a card's secret part, a ballot or a choice; a card's key is not even its public
credential S (which is in the card list), but an HMAC of S under a per-round secret kept in the
database and deleted at closing, when the round's keys are dropped too (``card_key``, ``forget``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from dataclasses import dataclass

import redis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


class Limiter:
    """At most ``amount`` attempts per key in any ``window`` seconds (a moving window)."""

    def __init__(self, name: str, amount: int, window: int, redis_url: str | None = None) -> None:
        self.name, self.amount, self.window = name, amount, window
        self.item: RateLimitItem = RateLimitItemPerSecond(amount, window, namespace=f"tinnhiem-{name}")
        self.memory = MovingWindowRateLimiter(MemoryStorage())
        self.shared = MovingWindowRateLimiter(storage_from_string(redis_url)) if redis_url else None

    def hit(self, key: str) -> bool:
        """Count one attempt at ``key``; False once the window's attempts are used up (nothing counted then)."""
        if self.shared is not None:
            try:
                return self.shared.hit(self.item, key)
            except redis.RedisError:  # Redis gone for a moment: this worker keeps its own count
                pass
        return self.memory.hit(self.item, key)

    def allows(self, key: str) -> bool:
        """Whether one more attempt at ``key`` would be within the limit (nothing counted)."""
        if self.shared is not None:
            try:
                return self.shared.test(self.item, key)
            except redis.RedisError:
                pass
        return self.memory.test(self.item, key)

    def clear(self, key: str) -> None:
        """Forget ``key``'s attempts (after a right code: its holder starts afresh)."""
        if self.shared is not None:
            with contextlib.suppress(redis.RedisError):
                self.shared.clear(self.item, key)
        self.memory.clear(self.item, key)

    def forget(self, prefix: str) -> None:
        """Drop every key that starts with ``prefix`` (a round's cards, at closing), in Redis and in memory."""
        if self.shared is not None:
            with contextlib.suppress(redis.RedisError):
                connection = self.shared.storage.get_connection()  # type: ignore[attr-defined]
                for key in list(connection.scan_iter(match=f"*{self.item.namespace}/{prefix}*", count=1000)):
                    connection.delete(key)
        memory = self.memory.storage
        for key in [k for k in getattr(memory, "events", {}) if k.startswith(f"{self.item.namespace}/{prefix}")]:
            memory.clear(key)

    @property
    def minutes(self) -> int:
        return max(1, self.window // 60)


@dataclass
class SignInLimits:
    """The organisers' sign-in and the delegates' cards are limited separately; spoiled ballots per address."""

    organisers: Limiter
    cards: Limiter
    spoiled: Limiter

    @classmethod
    def make(cls, redis_url: str | None, organiser_attempts: int, card_attempts: int, window: int,
             spoiled_per_address: int = 12) -> SignInLimits:
        return cls(Limiter("organisers", organiser_attempts, window, redis_url),
                   Limiter("cards", card_attempts, window, redis_url),
                   Limiter("spoiled", spoiled_per_address, window, redis_url))


def card_key(round_code: str, credential: str, secret: bytes) -> str:
    """A card's key in the limiter: the round and HMAC-SHA256(round's secret, S). Neither the card's secret nor
    S itself: whoever reads Redis (or a copy of its file) cannot match a key to the card list without the secret,
    which lives in the database until closing (services/reserve.py)."""
    return f"{round_code}:{hmac.new(secret, credential.encode(), hashlib.sha256).hexdigest()}"


def address_key(round_code: str, address: str, secret: bytes) -> str:
    """A client address's key for spoiled ballots: the round and HMAC-SHA256(the hall's secret key, address).
    A spoiled ballot takes no card and no session, so the only thing to count is where it comes from; the
    address itself is not written to Redis. The one exception to "never per address": a spoiled ballot
    is nobody's vote, and the round's own cap (3 × its cards) would otherwise be used up by one phone."""
    return f"{round_code}:{hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()}"


def round_prefix(round_code: str) -> str:
    """What every card key of a round starts with (to drop them at closing)."""
    return f"{round_code}:"
