"""Property tests of the cryptography (docs/protocol.md): honest proofs verify, any change fails."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinnhiem.crypto import ceremony
from tinnhiem.crypto.ballot import row_context
from tinnhiem.crypto.decryption import DiscreteLogs, combine, decrypt_share
from tinnhiem.crypto.elgamal import Ciphertext, encrypt
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import ORDER, add, base_mul, random_scalar, sub
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.proofs import (
    OneOfProof,
    prove_equal_logs,
    prove_knowledge,
    prove_one_of,
    verify_equal_logs,
    verify_knowledge,
    verify_one_of,
)
from tinnhiem.testing.simulate import run_ceremony, seeded, seeded_bytes, seeded_nonce

FEW = settings(max_examples=20, deadline=None)
scalars = st.integers(min_value=1, max_value=ORDER - 1)
MANIFEST = Manifest("r", ("A", "B", "C"), ("cao", "tin_nhiem", "thap"), 9, seeded_nonce(1))
ELECTION = seeded_bytes(2)  # E: every row proof is bound to it and to the ballot's nonce N (§6.3)
NONCE = seeded_bytes(3)


@FEW
@given(scalars, st.integers(min_value=0, max_value=10**6), scalars)
def test_encryption_round_trips(secret: int, m: int, r: int) -> None:
    """β − x·α = m·G for the key K = x·G (§3)."""
    ct = encrypt(m, base_mul(secret), r)
    assert base_mul(m) == sub(ct.beta, base_mul(secret * r % ORDER))


@FEW
@given(st.integers(min_value=0, max_value=3), scalars, scalars, st.integers(min_value=0, max_value=7))
def test_one_of_proof_verifies_and_any_change_fails(index: int, r: int, seed: int, which: int) -> None:
    """An honest row proof verifies; changing a challenge, response, ciphertext, key or context fails."""
    key = base_mul(seed)
    context = row_context(ELECTION, NONCE, 0)
    ct = encrypt(MANIFEST.values[index], key, r)
    proof = prove_one_of(ct, r, index, MANIFEST.value_points, key, context, seeded(seed))
    assert verify_one_of(ct, proof, MANIFEST.value_points, key, context)
    c, z = list(proof.challenges), list(proof.responses)
    branch = which % 4
    changes = [
        (ct, OneOfProof(tuple(c[:branch] + [(c[branch] + 1) % ORDER] + c[branch + 1:]), proof.responses), key, context),
        (ct, OneOfProof(proof.challenges, tuple(z[:branch] + [(z[branch] + 1) % ORDER] + z[branch + 1:])), key, context),
        (Ciphertext(ct.alpha, add(ct.beta, base_mul(1))), proof, key, context),
        (ct, proof, base_mul(seed + 1), context),
        (ct, proof, key, row_context(ELECTION, NONCE, 1)),
        (ct, proof, key, row_context(seeded_bytes(4), NONCE, 0)),  # another election
        (ct, proof, key, row_context(ELECTION, seeded_bytes(5), 0)),  # another ballot's nonce
    ]
    for changed_ct, changed_proof, changed_key, changed_context in changes:
        assert not verify_one_of(changed_ct, changed_proof, MANIFEST.value_points, changed_key, changed_context)


@FEW
@given(scalars, scalars)
def test_a_value_outside_the_set_cannot_be_proven(r: int, seed: int) -> None:
    """A row encrypting 2 (two marks) cannot carry a valid proof, whichever branch is claimed."""
    key = base_mul(seed)
    ct = encrypt(2, key, r)
    context = row_context(ELECTION, NONCE, 0)
    for index in range(4):
        proof = prove_one_of(ct, r, index, MANIFEST.value_points, key, context, seeded(seed))
        assert not verify_one_of(ct, proof, MANIFEST.value_points, key, context)


@FEW
@given(scalars, scalars)
def test_schnorr_and_chaum_pedersen(x: int, seed: int) -> None:
    """Knowledge and equal-log proofs verify honestly and fail on another public value."""
    rng = seeded(seed)
    public = base_mul(x)
    assert verify_knowledge(prove_knowledge(x, public, b"ctx", rng), public, b"ctx")
    assert not verify_knowledge(prove_knowledge(x, public, b"ctx", rng), base_mul(x + 1), b"ctx")
    alpha = base_mul(seed)
    image = base_mul(x * seed % ORDER)
    proof = prove_equal_logs(x, alpha, public, image, b"ctx", rng)
    assert verify_equal_logs(proof, alpha, public, image, b"ctx")
    assert not verify_equal_logs(proof, alpha, public, base_mul(x * seed + 1), b"ctx")


@pytest.mark.parametrize(("members", "threshold"), [(3, 2), (4, 3), (5, 3)])
def test_threshold_decryption_every_k_subset_and_not_k_minus_1(members: int, threshold: int) -> None:
    """Every k-subset of the committee decrypts; every (k−1)-subset gets a wrong plaintext (§8, §9)."""
    rng = seeded(members * 10 + threshold)
    keyed = run_ceremony(MANIFEST, members, threshold, rng)
    key = ceremony.joint_key(keyed.commitments)
    ct = encrypt(42, key, rng())
    logs = DiscreteLogs(100)
    for subset in itertools.combinations(range(1, members + 1), threshold):
        shares = [decrypt_share(m, keyed.secrets[m], ct, MANIFEST.hash, 0, rng) for m in subset]
        assert 42 == logs.log(combine(ct, shares))
    for subset in itertools.combinations(range(1, members + 1), threshold - 1):
        shares = [decrypt_share(m, keyed.secrets[m], ct, MANIFEST.hash, 0, rng) for m in subset]
        assert base_mul(42) != combine(ct, shares)


def test_a_bad_share_is_refused_by_its_recipient() -> None:
    """A member checks each share against the dealer's commitments (§8)."""
    committee = ceremony.Committee(MANIFEST.hash, 3, 2)
    coefficients = ceremony.new_polynomial(committee, seeded(1))
    c = ceremony.commit(committee, 1, coefficients, seeded(2))
    ceremony.verify_share(c, 2, ceremony.share_for(coefficients, 2))
    with pytest.raises(VerificationError) as caught:
        ceremony.verify_share(c, 2, ceremony.share_for(coefficients, 2) + 1)
    assert ("share", {"member": 2}) == (caught.value.code, caught.value.params)


def test_discrete_log_covers_its_range_edges() -> None:
    """BSGS finds 0, 1, the limit, and refuses limit + 1 (§10)."""
    logs = DiscreteLogs(5000, lookups=4)
    assert [0, 1, 4999, 5000, None] == [logs.log(base_mul(t)) for t in (0, 1, 4999, 5000, 5001)]


def test_fresh_randomness_makes_equal_ballots_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    """random_scalar draws from the OS CSPRNG (secrets): re-seeding Python's `random` cannot repeat a nonce."""
    import random
    import secrets

    draws: list[int] = []
    os_randbelow = secrets.randbelow
    monkeypatch.setattr(secrets, "randbelow", lambda n: draws.append(n) or os_randbelow(n))
    random.seed(7)
    first = random_scalar()
    random.seed(7)
    second = random_scalar()
    assert [ORDER - 1, ORDER - 1] == draws
    key = base_mul(3)
    assert encrypt(1, key, first) != encrypt(1, key, second)


def test_the_election_identity_covers_every_input() -> None:
    """E changes with the manifest (its nonce too), n, k, any commitment, K, R and the card list; not with the
    order the cards are given in (§6.2). So a re-run of a round, or one card more, is another election."""
    from tinnhiem.crypto.election import card_list_hash, election_hash

    keyed = run_ceremony(MANIFEST, 3, 2, seeded(8))
    key, receipt = ceremony.joint_key(keyed.commitments), base_mul(13)
    cards = [base_mul(100 + i) for i in range(4)]
    e = election_hash(MANIFEST, keyed.committee, keyed.commitments, key, receipt, cards)
    assert e == election_hash(MANIFEST, keyed.committee, keyed.commitments, key, receipt, cards[::-1])
    assert card_list_hash(cards) == card_list_hash(reversed(cards))
    other_commitment = replace(keyed.commitments[1], commitments=(base_mul(5), keyed.commitments[1].commitments[1]))
    variants = [
        (replace(MANIFEST, election_nonce=seeded_nonce(9)), keyed.committee, keyed.commitments, key, receipt, cards),
        (MANIFEST, replace(keyed.committee, members=4), keyed.commitments, key, receipt, cards),
        (MANIFEST, replace(keyed.committee, threshold=3), keyed.commitments, key, receipt, cards),
        (MANIFEST, keyed.committee, (keyed.commitments[0], other_commitment, keyed.commitments[2]), key, receipt, cards),
        (MANIFEST, keyed.committee, keyed.commitments, base_mul(7), receipt, cards),
        (MANIFEST, keyed.committee, keyed.commitments, key, base_mul(14), cards),
        (MANIFEST, keyed.committee, keyed.commitments, key, receipt, cards[:3]),
        (MANIFEST, keyed.committee, keyed.commitments, key, receipt, [*cards, base_mul(200)]),
    ]
    assert len(variants) == len({election_hash(*v) for v in variants} - {e})


@FEW
@given(scalars, st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10))
def test_member_and_receipt_signatures_bind_their_message(secret: int, ballots: int, paper: int) -> None:
    """A closing signature holds over its own statement only (N, issued, P, B, E each matter); a receipt holds
    under R over E ‖ digest only; both are Schnorr signatures with their own tag (§6.6, §6.7)."""
    from tinnhiem.crypto.credentials import Signature
    from tinnhiem.crypto.election import (
        CLOSING_SIGNATURE_TAG,
        MemberSignature,
        Receipt,
        closing_message,
        sign_closing,
        sign_receipt,
        verify_receipt,
    )

    committee = ceremony.Committee(MANIFEST.hash, 3, 2)
    commitments = [ceremony.commit(committee, i, (secret if i == 1 else i, 3), seeded(i)) for i in (1, 2, 3)]
    share = sum(ceremony.share_for((secret if i == 1 else i, 3), 1) for i in (1, 2, 3)) % ORDER
    from tinnhiem.crypto.election import verify_member_signature

    statement = closing_message(ELECTION, ballots, ballots + 1, paper, NONCE)
    signed = sign_closing(1, share, statement, seeded(secret))
    assert verify_member_signature(commitments, CLOSING_SIGNATURE_TAG, statement, signed)
    for other in (closing_message(ELECTION, ballots + 1, ballots + 1, paper, NONCE),
                  closing_message(ELECTION, ballots, ballots + 2, paper, NONCE),
                  closing_message(ELECTION, ballots, ballots + 1, paper + 1, NONCE),
                  closing_message(ELECTION, ballots, ballots + 1, paper, seeded_bytes(6)),
                  closing_message(seeded_bytes(7), ballots, ballots + 1, paper, NONCE)):
        assert not verify_member_signature(commitments, CLOSING_SIGNATURE_TAG, other, signed)
    assert not verify_member_signature(commitments, CLOSING_SIGNATURE_TAG, statement, MemberSignature(2, signed.signature))
    receipt = sign_receipt(secret, ELECTION, NONCE, seeded(secret + 1))
    assert verify_receipt(receipt, base_mul(secret))
    assert not verify_receipt(receipt, base_mul(secret + 1))
    assert not verify_receipt(Receipt(ELECTION, seeded_bytes(8).hex(), receipt.signature), base_mul(secret))
    assert not verify_receipt(Receipt(ELECTION, NONCE.hex(), Signature(receipt.signature.challenge,
                                                                      receipt.signature.response + 1)),
                              base_mul(secret))
