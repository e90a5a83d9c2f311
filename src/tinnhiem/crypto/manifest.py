"""The election manifest (docs/protocol.md §5): what every proof and ballot is bound to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tinnhiem.crypto.group import Point, base_mul, hash_bytes


@dataclass(frozen=True)
class Manifest:
    """A round as the cryptography sees it: its id, the subjects in ballot order, the levels, the base B.

    A row encrypts m ∈ {0, 1, B, B², …}: 0 for a row left empty (invalid for that subject,
    R-VALID-2), B^i for level i. B = max_ballots + 1, so the sum of every row decodes uniquely.
    """

    round_id: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...]  # ("cao", "tin_nhiem", "thap") or ("tin_nhiem", "khong_tin_nhiem")
    max_ballots: int

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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """The manifest of §5 from its JSON (raises KeyError, TypeError or ValueError when malformed)."""
        return cls(str(data["round_id"]), tuple(map(str, data["subjects"])), tuple(map(str, data["levels"])),
                   int(data["max_ballots"]))

    def to_json(self) -> dict[str, object]:
        return {
            "round_id": self.round_id,
            "subjects": list(self.subjects),
            "levels": list(self.levels),
            "max_ballots": self.max_ballots,
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
