"""The election manifest (docs/protocol.md §5): what every proof and ballot is bound to."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import cached_property

from tinnhiem.crypto.group import ORDER, Point, base_mul, hash_bytes

CONFIDENCE_LEVELS = ("cao", "tin_nhiem", "thap")  # lấy phiếu tín nhiệm
NO_CONFIDENCE_LEVELS = ("tin_nhiem", "khong_tin_nhiem")  # bỏ phiếu tín nhiệm
LEVEL_LISTS = (CONFIDENCE_LEVELS, NO_CONFIDENCE_LEVELS)
# Exactly these keys: the hash covers them all.
MANIFEST_KEYS = ("election_nonce", "levels", "max_ballots", "round_id", "subjects")


def new_election_nonce() -> str:
    """32 bytes from the OS CSPRNG as 64 lower-case hex digits: drawn once per election (§5), so two runs
    of the same round never share a ceremony context, a proof context or an election identity."""
    return secrets.token_bytes(32).hex()


@dataclass(frozen=True)
class Manifest:
    """A round as the cryptography sees it: its id, the subjects in ballot order, the levels, the base B,
    and the election's fresh nonce (64 lower-case hex digits, ``new_election_nonce()``).

    A row encrypts m ∈ {0, 1, B, B², …}: 0 for a row left empty (invalid for that subject,
    R-VALID-2), B^i for level i. B = max_ballots + 1, so the sum of every row decodes uniquely.
    """

    round_id: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...]  # CONFIDENCE_LEVELS or NO_CONFIDENCE_LEVELS
    max_ballots: int
    election_nonce: str

    @property
    def base(self) -> int:
        return self.max_ballots + 1

    @cached_property
    def values(self) -> tuple[int, ...]:
        """The allowed plaintexts of a row: 0 (empty), then B⁰, B¹, … one per level."""
        return (0, *(self.base**i for i in range(len(self.levels))))

    @cached_property
    def value_points(self) -> tuple[Point, ...]:
        return tuple(base_mul(v) for v in self.values)

    def to_json(self) -> dict[str, object]:
        return {
            "round_id": self.round_id,
            "subjects": list(self.subjects),
            "levels": list(self.levels),
            "max_ballots": self.max_ballots,
            "election_nonce": self.election_nonce,
        }

    @cached_property
    def hash(self) -> bytes:
        """H("manifest", canonical JSON): sorted keys, no spaces, UTF-8 (§5)."""
        canonical = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hash_bytes("manifest", canonical)[:32]

    @property
    def dlog_limit(self) -> int:
        """The largest possible decrypted total of one subject: every ballot at the top level."""
        return self.max_ballots * self.values[-1]

    @property
    def fits(self) -> bool:
        """§5 capacity: max_ballots · B^(L−1) < ℓ, so no total can wrap around the group order."""
        return self.dlog_limit < ORDER

    @property
    def known_levels(self) -> bool:
        return self.levels in LEVEL_LISTS
