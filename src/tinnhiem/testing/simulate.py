"""A whole electronic round in memory: ceremony, cards, ballots, a challenge, tally, threshold decryption.

For tests, benchmarks and the demo. ``seeded(seed)`` gives reproducible nonces; it is not
a secure source and exists only here (production code uses ``group.random_scalar``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import CastBallot, cast_ballot, encrypt_ballot
from tinnhiem.crypto.credentials import CARD_ALPHABET, CARD_SYMBOLS, signing_key
from tinnhiem.crypto.decryption import DecryptionShare, DiscreteLogs, decrypt_share
from tinnhiem.crypto.election import ballot_list_hash, closing_message, election_hash, sign_closing, sign_election
from tinnhiem.crypto.group import ORDER, Random, Scalar, base_mul
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import Card, Checkins, Closing, Record, SpoiledBallot, from_json, member_signature_json
from tinnhiem.crypto.tally import encrypted_sums, results


def seeded(seed: int) -> Random:
    """Reproducible scalars for tests and test vectors (never for a real round)."""
    generator = random.Random(seed)
    return lambda: 1 + generator.randrange(ORDER - 1)


def seeded_bytes(seed: int, count: int = 32) -> bytes:
    """Reproducible bytes (an election nonce, a ballot nonce) for tests only."""
    return random.Random(seed).randbytes(count)


def seeded_nonce(seed: int) -> str:
    """A reproducible election nonce (64 hex digits) for tests only."""
    return seeded_bytes(seed).hex()


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


@dataclass(frozen=True, slots=True)
class Simulated:
    """A simulated round's record and the secrets a test may need to play a dishonest party with."""

    record: Record
    keyed: KeyedCommittee
    receipt_secret: Scalar


def simulate(manifest: Manifest, choices: Sequence[Sequence[int | None]], **options: Any) -> Record:
    """The record of a round in which ``choices`` were cast (options: those of ``simulate_keyed``)."""
    return simulate_keyed(manifest, choices, **options).record


def simulate_keyed(
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
    paper: int = 0,
    signing: Sequence[int] | None = None,
) -> Simulated:
    """The record of a round in which ``choices`` were cast, each with its own card (plus ``spoil``
    challenged ballots, and ``void`` cards voided unused), ``paper`` delegates checked in on paper.
    The members in ``signing`` (default: the first k) sign the card list and the closing statement."""
    rng = seeded(seed)
    keyed = run_ceremony(manifest, members, threshold, rng)
    key = ceremony.joint_key(keyed.commitments)
    receipt_secret = rng()
    receipt_key = base_mul(receipt_secret)
    cards = [signing_key(manifest.round_id, c) for c in seeded_cards(manifest.round_id, len(choices) + void, seed)]
    credentials = [base_mul(s) for s in cards]
    election = election_hash(manifest, keyed.committee, keyed.commitments, key, receipt_key, credentials)
    signers = list(signing or range(1, threshold + 1))
    card_signatures = tuple(sign_election(m, keyed.secrets[m], election, rng) for m in signers)
    nonces = random.Random(seed)
    ballots: list[CastBallot] = [cast_ballot(manifest, election, key, c, s, rng, nonces.randbytes(32))[0]
                                 for c, s in zip(choices, cards, strict=False)]
    spoiled = []
    for i in range(spoil if choices else 0):
        c = choices[i % len(choices)]
        ballot, secrets = encrypt_ballot(manifest, election, key, c, rng, nonces.randbytes(32))
        spoiled.append(SpoiledBallot(ballot, secrets))
    list_hash = ballot_list_hash(b.digest() for b in ballots)
    statement = closing_message(election, len(ballots), len(choices), paper, list_hash)
    closing = Closing(len(ballots), list_hash, tuple(sign_closing(m, keyed.secrets[m], statement, rng)
                                                     for m in signers))
    sums = encrypted_sums(manifest, ballots)
    who = list(decrypting or range(1, threshold + 1))
    shares: dict[int, list[DecryptionShare]] = {
        m: [decrypt_share(m, keyed.secrets[m], ct, manifest.hash, j, rng) for j, ct in enumerate(sums)] for m in who
    }
    logs = DiscreteLogs(len(ballots) * manifest.values[-1], lookups=len(sums))
    return Simulated(Record(
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
        receipt_key=receipt_key,
        election=election,
        card_signatures=card_signatures,
        checkins=Checkins(len(choices), paper),
        closing=closing,
    ), keyed, receipt_secret)


def sign_as_committee(data: dict[str, Any], keyed: KeyedCommittee, signers: Sequence[int], seed: int = 99) -> None:
    """Restate E, the card list's signatures and the closing statement of a record (JSON, changed in place) as
    the members ``signers`` would sign them: what a test needs to reach the checks after `election`,
    `card-signatures` and `closing` (a dishonest committee; never an honest path)."""
    rng = seeded(seed)
    record = from_json(data)
    election = election_hash(record.manifest, record.committee, record.commitments, record.joint_key,
                             record.receipt_key, [c.credential for c in record.cards])
    data["election"] = election.hex()
    data["cards"]["signatures"] = [member_signature_json(sign_election(m, keyed.secrets[m], election, rng))
                                   for m in sorted(signers)]
    if data["closing"] is not None and data["checkins"] is not None:
        list_hash = ballot_list_hash(b.digest() for b in record.ballots)
        statement = closing_message(election, len(record.ballots), data["cards"]["issued"],
                                    data["checkins"]["paper"], list_hash)
        data["closing"] = {"ballots": len(record.ballots), "list_hash": list_hash.hex(),
                           "signatures": [member_signature_json(sign_closing(m, keyed.secrets[m], statement, rng))
                                          for m in sorted(signers)]}
