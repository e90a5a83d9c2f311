"""The homomorphic tally and its threshold decryption into counts (docs/protocol.md §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tinnhiem.crypto.ballot import CastBallot, EncryptedBallot
from tinnhiem.crypto.decryption import DecryptionShare, DiscreteLogs, combine, decode_counts
from tinnhiem.crypto.elgamal import Ciphertext, sum_ciphertexts
from tinnhiem.crypto.errors import TallyMismatch
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import RowResult


def encrypted_sums(manifest: Manifest, ballots: Sequence[CastBallot | EncryptedBallot]) -> tuple[Ciphertext, ...]:
    """Per subject j: Σ over ballots of row j's ciphertext = Enc(Tⱼ)."""
    return tuple(
        sum_ciphertexts(b.rows[j].ciphertext for b in ballots) for j in range(len(manifest.subjects))
    )


def results(
    manifest: Manifest,
    sums: Sequence[Ciphertext],
    shares: Mapping[int, Sequence[DecryptionShare]],
    ballots: int,
    logs: DiscreteLogs | None = None,
) -> tuple[RowResult, ...]:
    """Combine the members' shares (already verified) into each subject's total T and counts.

    ``shares[member][j]`` is member's share of row j. Any k members are enough.
    """
    logs = logs or DiscreteLogs(ballots * manifest.values[-1], lookups=len(sums))
    out = []
    for j, ct in enumerate(sums):
        row_shares = tuple(member_shares[j] for member_shares in shares.values())
        total = logs.log(combine(ct, row_shares))
        if total is None:
            raise TallyMismatch("no-discrete-log", row=j + 1)
        counts, empty = decode_counts(total, manifest.base, len(manifest.levels), ballots, j)
        out.append(RowResult(row_shares, total, counts, empty))
    return tuple(out)
