"""A whole electronic round in memory: ceremony, cards, ballots, a challenge, tally, threshold decryption.

For tests, benchmarks and the demo. ``seeded(seed)`` gives reproducible nonces; it is not
a secure source and exists only here (production code uses ``group.random_scalar``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import EncryptedBallot, encrypt_ballot
from tinnhiem.crypto.credentials import CARD_ALPHABET, CARD_SYMBOLS, signing_key
from tinnhiem.crypto.decryption import DecryptionShare, DiscreteLogs, decrypt_share
from tinnhiem.crypto.group import ORDER, Random, Scalar, base_mul
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import Card, Record, SpoiledBallot
from tinnhiem.crypto.tally import encrypted_sums, results


def seeded(seed: int) -> Random:
    """Reproducible scalars for tests and test vectors (never for a real round)."""
    generator = random.Random(seed)
    return lambda: 1 + generator.randrange(ORDER - 1)


def seeded_cards(round_id: str, count: int, seed: int) -> list[str]:
    """Reproducible card secrets (never for a real round: services.cards draws them from the OS)."""
    generator = random.Random(seed)
    return ["".join(generator.choice(CARD_ALPHABET) for _ in range(CARD_SYMBOLS)) for _ in range(count)]


@dataclass(frozen=True, slots=True)
class KeyedCommittee:
    """The outcome of a ceremony: the public commitments and each member's secret share sℓ."""

    committee: ceremony.Committee
    commitments: tuple[ceremony.MemberCommitment, ...]
    secrets: dict[int, Scalar]


def run_ceremony(manifest: Manifest, members: int, threshold: int, rng: Random) -> KeyedCommittee:
    """Every member deals shares to every other; every share is checked against the commitments."""
    committee = ceremony.Committee(manifest.hash, members, threshold)
    polynomials = {i: ceremony.new_polynomial(committee, rng) for i in range(1, members + 1)}
    commitments = tuple(ceremony.commit(committee, i, p, rng) for i, p in polynomials.items())
    secrets = {}
    for recipient in range(1, members + 1):
        received = []
        for c, (_, coefficients) in zip(commitments, polynomials.items(), strict=True):
            share = ceremony.share_for(coefficients, recipient)
            ceremony.verify_share(c, recipient, share)
            received.append(share)
        secrets[recipient] = ceremony.combine_shares(received)
    return KeyedCommittee(committee, commitments, secrets)


def random_choices(manifest: Manifest, count: int, seed: int, empty_rate: float = 0.02) -> list[list[int | None]]:
    """Ballots of random marks, with some empty rows (R-VALID-2)."""
    generator = random.Random(seed)
    levels = len(manifest.levels)
    return [
        [None if generator.random() < empty_rate else generator.randrange(levels) for _ in manifest.subjects]
        for _ in range(count)
    ]


def simulate(
    manifest: Manifest,
    choices: Sequence[Sequence[int | None]],
    *,
    members: int = 3,
    threshold: int = 2,
    decrypting: Sequence[int] | None = None,
    spoil: int = 1,
    seed: int = 1,
    names: Sequence[str] = (),
    void: int = 2,
) -> Record:
    """The record of a round in which ``choices`` were cast, each with its own card (plus ``spoil``
    challenged ballots by the first cards, and ``void`` cards voided unused)."""
    rng = seeded(seed)
    keyed = run_ceremony(manifest, members, threshold, rng)
    key = ceremony.joint_key(keyed.commitments)
    cards = [signing_key(manifest.round_id, c) for c in seeded_cards(manifest.round_id, len(choices) + void, seed)]
    ballots: list[EncryptedBallot] = [encrypt_ballot(manifest, key, c, s, rng)[0]
                                      for c, s in zip(choices, cards, strict=False)]
    spoiled = []
    for c, s in zip(choices[:spoil], cards, strict=False):
        ballot, secrets = encrypt_ballot(manifest, key, c, s, rng)
        spoiled.append(SpoiledBallot(ballot, secrets))
    sums = encrypted_sums(manifest, ballots)
    who = list(decrypting or range(1, threshold + 1))
    shares: dict[int, list[DecryptionShare]] = {
        m: [decrypt_share(m, keyed.secrets[m], ct, manifest.hash, j, rng) for j, ct in enumerate(sums)] for m in who
    }
    logs = DiscreteLogs(len(ballots) * manifest.values[-1], lookups=len(sums))
    return Record(
        manifest=manifest,
        committee=keyed.committee,
        member_names=tuple(names) or tuple(f"Thành viên {i}" for i in range(1, members + 1)),
        commitments=keyed.commitments,
        joint_key=key,
        cards=tuple(Card(base_mul(s), i >= len(choices)) for i, s in enumerate(cards)),
        issued=len(choices),
        ballots=tuple(ballots),
        spoiled=tuple(spoiled),
        sums=sums,
        results=results(manifest, sums, shares, len(ballots), logs),
    )
