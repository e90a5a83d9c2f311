"""Rebuild cases.json.gz: the outside verifier's 287 kinds of record, as protocol-3 records.

An independent verifier, written from docs/protocol.md alone, once built 287 version-2 records,
honest and tampered, each with its verdict (their names, descriptions and verdicts are kept in
v2-verdicts.json). Version 3 binds ballots to the election's identity E, makes spoiled ballots
name no card and adds the committee's signatures, so those records cannot verify as they are.
This script makes, for each, a version-3 record with the same tampering (same name; where the
tampering no longer exists in version 3, its nearest equivalent, said in its description), the
check version 3 must name, and the three forged records of an outside review; then the whole committee substituted
(checked alone, with --election the hall's E, with a hall receipt) and the receipt cases of §12.6. A case
may carry receipts and an E to give with --election ("election", hex or null). Deterministic (fixed seeds).

    .venv/bin/python tests/data/outside-verifier/make_cases.py     # writes cases.json.gz beside it
"""

from __future__ import annotations

import copy
import gzip
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from tinnhiem.crypto.ballot import SIGNATURE_TAG, ballot_digest, cast_ballot, encrypt_ballot
from tinnhiem.crypto.credentials import sign, signing_key
from tinnhiem.crypto.decryption import DiscreteLogs, combine, decode_counts, decrypt_share
from tinnhiem.crypto.election import sign_receipt
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.group import IDENTITY, ORDER, base_mul, encode_scalar
from tinnhiem.crypto.manifest import Manifest
from tinnhiem.crypto.record import (
    ballot_json,
    encrypted_ballot_json,
    from_json,
    read_row,
    receipt_json,
    secrets_json,
    signature_json,
    to_json,
)
from tinnhiem.crypto.tally import encrypted_sums, results
from tinnhiem.crypto.verify import recomputed_election
from tinnhiem.testing.simulate import (
    Simulated,
    seeded,
    seeded_bytes,
    seeded_cards,
    seeded_nonce,
    sign_as_committee,
    simulate_keyed,
)
from tinnhiem.testing.vectors import small_record

HERE = Path(__file__).parent
Json = dict[str, Any]
SUBJECTS = ("Nguyễn Văn Một", "Trần Thị Hai", "Lê Ba")
MANIFEST = Manifest("audit-round", SUBJECTS, ("cao", "tin_nhiem", "thap"), 10, seeded_nonce(31))
CHOICES = [[0, 1, 2], [1, None, 0], [2, 2, 1], [0, 0, None], [1, 2, 0]]  # 5 cast ballots
L_PLUS_1 = 4  # values per row (empty + 3 levels)


@dataclass
class Base:
    """An honest record and what a forger (or a test) holds: the committee's keys, r, the cards' secrets."""

    sim: Simulated
    manifest: Manifest
    seed: int
    cards: dict[str, int]  # credential hex → card secret s

    @property
    def record(self) -> Json:
        return to_json(self.sim.record)


def make_base(manifest: Manifest = MANIFEST, choices: list[list[int | None]] | None = None, *, seed: int = 11,
              spoil: int = 2, void: int = 2, **options: Any) -> Base:
    choices = CHOICES if choices is None else choices
    sim = simulate_keyed(manifest, choices, spoil=spoil, void=void, seed=seed, paper=1, **options)
    secrets = [signing_key(manifest.round_id, c) for c in seeded_cards(manifest.round_id, len(choices) + void, seed)]
    return Base(sim, manifest, seed, {base_mul(s).hex(): s for s in secrets})


@cache
def base() -> Base:
    return make_base()


def honest() -> Json:
    return copy.deepcopy(base().record)


def resort(r: Json) -> None:
    r["ballots"].sort(key=lambda b: b["code"])
    r["spoiled"].sort(key=lambda s: s["ballot"]["code"])
    r["cards"]["list"].sort(key=lambda c: c["credential"])


def digest_of(b: Json) -> bytes:
    return ballot_digest(bytes.fromhex(b["election"]), bytes.fromhex(b["nonce"]),
                         [read_row(row, "row") for row in b["rows"]])


def recode(b: Json, secret: int | None = None, tag: str = SIGNATURE_TAG) -> None:
    """Recompute a ballot's code from its content; with its card's secret, sign it again (what a forger
    who holds that card can do)."""
    digest = digest_of(b)
    b["code"] = digest.hex()
    if secret is not None:
        b["signature"] = signature_json(sign(secret, base_mul(secret), tag, digest, seeded(len(b["rows"]))))


def card_of(r: Json, i: int) -> int:
    return base().cards[r["ballots"][i]["credential"]]


def counted_again(r: Json, b: Base | None = None) -> None:
    """The committee signs what it is shown (statement, card list), and the tally and decryption are redone
    from the ballots: what a forger would need the committee for."""
    b = b or base()
    try:
        sign_as_committee(r, b.sim.keyed, [1, 2])
    except VerificationError:  # a record the reader refuses (a bad encoding): nothing to sign
        return
    if r["state"] != "tallied":
        return
    record = from_json(r | {"state": "closed", "tally": None, "decryption": None})
    sums = encrypted_sums(record.manifest, record.ballots)
    shares = {m: [decrypt_share(m, b.sim.keyed.secrets[m], ct, record.manifest.hash, j, seeded(m))
                  for j, ct in enumerate(sums)] for m in (1, 2)}
    try:
        rows = results(record.manifest, sums, shares, len(record.ballots))
    except VerificationError:  # a forged row no count can decode: the old count stays (a check before fails)
        return
    full = to_json(replace(record, sums=sums, results=rows, state="tallied"))
    r["tally"], r["decryption"] = full["tally"], full["decryption"]


def text_of(r: Json, **dump: Any) -> bytes:
    return json.dumps(r, ensure_ascii=False, **dump).encode("utf-8")


def flip(hex_text: str, index: int = 5) -> str:
    data = bytearray(bytes.fromhex(hex_text))
    data[index] ^= 1
    return data.hex()


def plus_l(hex_scalar: str) -> str:
    return (int.from_bytes(bytes.fromhex(hex_scalar), "little") + ORDER).to_bytes(32, "little").hex()


def top_bit(hex_point: str) -> str:
    data = bytearray(bytes.fromhex(hex_point))
    data[31] |= 0x80
    return data.hex()


class Draws:
    """Scalars from a seeded source, with chosen values at chosen draws (to make equal nonces on purpose)."""

    def __init__(self, seed: int, fixed: dict[int, int]) -> None:
        self.source, self.fixed, self.count = seeded(seed), fixed, 0

    def __call__(self) -> int:
        value = self.fixed.get(self.count)
        self.count += 1
        drawn = self.source()
        return drawn if value is None else value


DRAWS_PER_ROW = 2 * L_PLUS_1  # r, w, then (c, z) for each of the other L branches


def new_cast(r: Json, choices: list[int | None], secret: int, rng: Callable[[], int], nonce: int) -> Json:
    """A cast ballot of this record's election, made and signed with a card."""
    key = bytes.fromhex(r["joint_key"])
    ballot, _ = cast_ballot(base().manifest, bytes.fromhex(r["election"]), key, choices, secret, rng,
                            seeded_bytes(nonce))
    return ballot_json(ballot)


def replace_cast(r: Json, i: int, choices: list[int | None], rng: Callable[[], int], nonce: int) -> None:
    r["ballots"][i] = new_cast(r, choices, card_of(r, i), rng, nonce)


# Each builder returns (bytes of the record, expected check), (bytes, check, receipts) or (bytes, check,
# receipts, E given with --election as hex).
Built = tuple[bytes, str] | tuple[bytes, str, list[Json]] | tuple[bytes, str, list[Json], str]
CASES: dict[str, tuple[str, Callable[[], Built]]] = {}


def case(name: str, description: str) -> Callable[[Callable[[], Built]], Callable[[], Built]]:
    def register(build: Callable[[], Built]) -> Callable[[], Built]:
        CASES[name] = (description, build)
        return build
    return register


def edit(name: str, description: str, check: str, change: Callable[[Json], Any]) -> None:
    """A case that is the honest record with one change of its JSON."""
    def build() -> Built:
        r = honest()
        change(r)
        return text_of(r), check
    CASES[name] = (description, build)


def text_edit(name: str, description: str, check: str, change: Callable[[str], str]) -> None:
    def build() -> Built:
        return change(text_of(honest()).decode("utf-8")).encode("utf-8"), check
    CASES[name] = (description, build)


def setter(path: tuple[Any, ...], value: Any) -> Callable[[Json], None]:
    def change(r: Json) -> None:
        target = r
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
    return change


def deleter(path: tuple[Any, ...]) -> Callable[[Json], None]:
    def change(r: Json) -> None:
        target = r
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


def both(*changes: Callable[[Json], Any]) -> Callable[[Json], None]:
    def change(r: Json) -> None:
        for c in changes:
            c(r)
    return change


# ---------------------------------------------------------------------------------------------- cards
def _unlist_cast(r: Json) -> None:
    credential = r["ballots"][0]["credential"]
    r["cards"]["list"] = [c for c in r["cards"]["list"] if c["credential"] != credential]


edit("bc-unlisted-cast", "a cast ballot's card removed from the list (E no longer matches it)", "election",
     _unlist_cast)


@case("bc-unlisted-cast-valid-tally", "a cast ballot by an unlisted card, full valid tally, E and the committee's "
                                      "signatures restated as if the committee had signed the shorter list")
def _() -> Built:
    r = honest()
    _unlist_cast(r)
    counted_again(r)
    return text_of(r), "ballot-credential"


edit("bc-unlisted-spoiled", "v3: a spoiled ballot names no card; one that carries a credential is refused",
     "format", lambda r: r["spoiled"][0]["ballot"].update(credential=r["ballots"][0]["credential"]))
edit("bc-void-cast", "a cast ballot's card marked void", "ballot-credential",
     lambda r: next(c for c in r["cards"]["list"] if c["credential"] == r["ballots"][0]["credential"])
     .update(void=True))
edit("bcnt-plus1", "tally.ballots = N+1", "ballot-count", setter(("tally", "ballots"), lambda n: n + 1))

# ---------------------------------------------------------------------------------------------- bounds
BOUNDS: list[tuple[str, str, Callable[[Json], Any]]] = [
    ("bnd-K-empty", "a commitment's K list empty", setter(("committee", "commitments", 0, "K"), [])),
    ("bnd-c-2", "a row's c list with 2 entries", setter(("ballots", 0, "rows", 0, "c"), lambda c: c[:2])),
    ("bnd-c-5", "a row's c list with 5 entries", setter(("ballots", 0, "rows", 0, "c"), lambda c: c + [c[0]])),
    ("bnd-commitment-member-0", "commitment member 0", setter(("committee", "commitments", 0, "member"), 0)),
    ("bnd-commitments-empty", "commitments []", setter(("committee", "commitments"), [])),
    ("bnd-count-100001", "a count 100001", setter(("decryption", 0, "counts", 0), 100001)),
    ("bnd-count-neg", "a count -1", setter(("decryption", 0, "counts", 0), -1)),
    ("bnd-counts-1", "counts of length 1", setter(("decryption", 0, "counts"), lambda c: c[:1])),
    ("bnd-counts-4", "counts of length 4", setter(("decryption", 0, "counts"), lambda c: c + [0])),
    ("bnd-decryption-empty", "decryption []", setter(("decryption",), [])),
    ("bnd-empty-neg", "empty = -1 (negative empty)", setter(("decryption", 0, "empty"), -1)),
    ("bnd-issued-200001", "issued 200001", setter(("cards", "issued"), 200001)),
    ("bnd-issued-neg", "issued -1", setter(("cards", "issued"), -1)),
    ("bnd-maxballots-0", "max_ballots 0", setter(("manifest", "max_ballots"), 0)),
    ("bnd-maxballots-100001", "max_ballots 100001", setter(("manifest", "max_ballots"), 100001)),
    ("bnd-members-65", "members 65", setter(("committee", "members"), 65)),
    ("bnd-nonces-empty", "spoiled nonces []", setter(("spoiled", 0, "nonces"), [])),
    ("bnd-rows-empty", "a ballot with no rows", setter(("ballots", 0, "rows"), [])),
    ("bnd-share-member-0", "share member 0", setter(("decryption", 0, "shares", 0, "member"), 0)),
    ("bnd-share-member-65", "share member 65", setter(("decryption", 0, "shares", 0, "member"), 65)),
    ("bnd-shares-empty", "a subject with shares []", setter(("decryption", 0, "shares"), [])),
    ("bnd-subjects-0", "no subjects", setter(("manifest", "subjects"), [])),
    ("bnd-tally-ballots-neg", "tally.ballots -1", setter(("tally", "ballots"), -1)),
    ("bnd-threshold-0", "threshold 0", setter(("committee", "threshold"), 0)),
    ("bnd-total-2^63", "total = 2^63", setter(("decryption", 0, "total"), 2**63)),
    ("bnd-total-neg", "total = -5", setter(("decryption", 0, "total"), -5)),
    ("bnd-value-2^63", "a spoiled value 2^63", setter(("spoiled", 0, "values", 0), 2**63)),
    ("bnd-value-neg", "a spoiled value -1", setter(("spoiled", 0, "values", 0), -1)),
    ("bnd-v3-checkins-neg", "v3: paper check-ins -1", setter(("checkins", "paper"), -1)),
    ("bnd-v3-signatures-65", "v3: 65 signatures over the card list",
     setter(("cards", "signatures"), lambda s: s * 33)),
]
for name, description, change in BOUNDS:
    edit(name, description, "bounds", change)


# ---------------------------------------------------------------------------------------------- ballots
@case("br-other-round", "a cast ballot of another election (its own E, re-coded, re-signed by its card)")
def _() -> Built:
    r = honest()
    b = r["ballots"][0]
    b["election"] = seeded_bytes(77).hex()
    recode(b, card_of(r, 0))
    resort(r)
    return text_of(r), "ballot-round"


@case("br-spoiled-other-round", "a spoiled ballot of another election (its own E, re-coded)")
def _() -> Built:
    r = honest()
    b = r["spoiled"][0]["ballot"]
    b["election"] = seeded_bytes(78).hex()
    recode(b)
    resort(r)
    return text_of(r), "ballot-round"


def _reshaped(change: Callable[[Json], None]) -> Callable[[], Built]:
    def build() -> Built:
        r = honest()
        change(r["ballots"][0])
        recode(r["ballots"][0], card_of(r, 0))
        resort(r)
        return text_of(r), "ballot-shape"
    return build


CASES["bs-cz-unequal"] = ("a row with 4 c's and 3 z's (re-coded, re-signed)",
                          _reshaped(lambda b: b["rows"][0].update(z=b["rows"][0]["z"][:3])))
CASES["bs-row-extra"] = ("a cast ballot with an extra row (copy of row 0), re-coded, re-signed",
                         _reshaped(lambda b: b["rows"].append(copy.deepcopy(b["rows"][0]))))
CASES["bs-row-missing"] = ("a cast ballot with one row fewer (re-coded, re-signed)",
                           _reshaped(lambda b: b["rows"].pop()))
CASES["bs-t-3"] = ("a row with t=3 (L+1=4) entries in c and z (re-coded, re-signed)",
                   _reshaped(lambda b: b["rows"][0].update(c=b["rows"][0]["c"][:3], z=b["rows"][0]["z"][:3])))

edit("ci-null-closed", "closed record with issued null", "cards-issued",
     both(setter(("cards", "issued"), None), setter(("state",), "closed"), setter(("tally",), None),
          setter(("decryption",), None)))
edit("ci-null-tallied", "issued null in a tallied record", "cards-issued", setter(("cards", "issued"), None))
edit("ci-over-listed", "issued 8 > 7 listed", "cards-issued", setter(("cards", "issued"), 8))
edit("ci-over-listed-open", "open record, issued 8 > 7 listed", "cards-issued",
     both(setter(("cards", "issued"), 8), setter(("state",), "open"), setter(("tally",), None),
          setter(("decryption",), None), setter(("checkins",), None), setter(("closing",), None)))


def _commitments(change: Callable[[list[Json]], None]) -> Callable[[Json], None]:
    return lambda r: change(r["committee"]["commitments"])


edit("cm-dup", "commitments numbered 1,2,2", "committee-members",
     _commitments(lambda c: c[2].update(member=2)))
edit("cm-extra", "a 4th commitment with members = 3", "committee-members",
     _commitments(lambda c: c.append(copy.deepcopy(c[2]) | {"member": 4})))
edit("cm-gap", "commitments numbered 1,2,4", "committee-members", _commitments(lambda c: c[2].update(member=4)))
edit("cm-missing", "member 3's commitment removed", "committee-members", _commitments(lambda c: c.pop()))

edit("cmp-closed", "closed record (honest, no tally)", "complete",
     both(setter(("state",), "closed"), setter(("tally",), None), setter(("decryption",), None)))
edit("cmp-no-decryption", "tallied, tally present, decryption null", "complete", setter(("decryption",), None))
edit("cmp-no-tally", "tallied, tally null, decryption present", "complete", setter(("tally",), None))
edit("cmp-ready", "ready record with its ballots (nothing of the closing yet)", "complete",
     both(*(setter((key,), None) for key in ("tally", "decryption", "checkins", "closing")),
          setter(("state",), "ready"), setter(("cards", "issued"), None)))

edit("code-beta-changed", "a row's beta changed, code not recomputed", "tracking-code",
     lambda r: r["ballots"][1]["rows"][0].update(beta=r["ballots"][2]["rows"][0]["beta"]))
edit("code-changed", "the first cast code replaced by 00..01 (order kept)", "tracking-code",
     lambda r: r["ballots"][0].update(code="0" * 63 + "1"))


@case("code-swapped", "codes of two cast ballots swapped (list re-sorted)")
def _() -> Built:
    r = honest()
    a, b = r["ballots"][0], r["ballots"][1]
    a["code"], b["code"] = b["code"], a["code"]
    resort(r)
    return text_of(r), "tracking-code"


edit("cp-c-plus-1", "a ceremony proof's c + 1", "coefficient-proof",
     lambda r: r["committee"]["commitments"][0]["proofs"][0].update(
         c=encode_scalar(int.from_bytes(bytes.fromhex(r["committee"]["commitments"][0]["proofs"][0]["c"]),
                                        "little") + 1).hex()))
edit("cp-k-plus-1", "member 1 with k+1 commitments (extra one a copy)", "coefficient-proof",
     lambda r: (r["committee"]["commitments"][0]["K"].append(r["committee"]["commitments"][0]["K"][1]),
                r["committee"]["commitments"][0]["proofs"].append(r["committee"]["commitments"][0]["proofs"][1])))


@case("cp-other-round", "commitments (same coefficients) proved for another election (another nonce)")
def _() -> Built:
    r = honest()
    other = to_json(make_base(replace(MANIFEST, election_nonce=seeded_nonce(99))).sim.record)
    for mine, theirs in zip(r["committee"]["commitments"], other["committee"]["commitments"], strict=True):
        assert mine["K"] == theirs["K"]
        mine["proofs"] = theirs["proofs"]
    return text_of(r), "coefficient-proof"


edit("cp-proofs-short", "member 1 with k K's but k-1 proofs", "coefficient-proof",
     lambda r: r["committee"]["commitments"][0]["proofs"].pop())
edit("cp-proofs-swapped", "member 2's two proofs swapped", "coefficient-proof",
     lambda r: r["committee"]["commitments"][1]["proofs"].reverse())

edit("dm-extra-subject", "decryption list one entry more", "tally-sum",
     lambda r: r["decryption"].append(copy.deepcopy(r["decryption"][0])))
edit("dm-member-4", "a share from member 4 (n=3)", "decryption-members",
     setter(("decryption", 0, "shares", 0, "member"), 4))
edit("dm-missing-subject", "decryption list one entry fewer", "tally-sum", lambda r: r["decryption"].pop())
edit("dm-repeated", "shares from members 1,1", "decryption-members",
     lambda r: r["decryption"][0]["shares"].__setitem__(1, copy.deepcopy(r["decryption"][0]["shares"][0])))
edit("dp-c-plus-1", "a share's c + 1", "decryption-proof",
     lambda r: r["decryption"][0]["shares"][0].update(
         c=encode_scalar(int.from_bytes(bytes.fromhex(r["decryption"][0]["shares"][0]["c"]), "little") + 1).hex()))
edit("dp-members-swapped", "two shares' member numbers swapped", "decryption-proof",
     lambda r: (r["decryption"][0]["shares"][0].update(member=2), r["decryption"][0]["shares"][1].update(member=1)))
edit("dp-shares-from-other-subject", "subject 0's shares copied from subject 1", "decryption-proof",
     lambda r: r["decryption"][0].update(shares=copy.deepcopy(r["decryption"][1]["shares"])))
edit("dq-one-share", "a subject decrypted by 1 member (k=2)", "decryption-quorum",
     lambda r: r["decryption"][0]["shares"].pop())


# ---------------------------------------------------------------------------------------------- duplicates
@case("dup-cast-spoiled-row", "a spoiled ballot and a cast ballot share row 0's alpha (same r), each valid")
def _() -> Built:
    r = honest()
    r_zero = 123456789
    replace_cast(r, 0, CHOICES[0], Draws(1, {0: r_zero}), nonce=501)
    spoiled, opened = encrypt_ballot(MANIFEST, bytes.fromhex(r["election"]), bytes.fromhex(r["joint_key"]),
                                     CHOICES[1], Draws(2, {0: r_zero}), seeded_bytes(502))
    r["spoiled"][0] = {"ballot": encrypted_ballot_json(spoiled)} | secrets_json(opened)
    resort(r)
    counted_again(r)
    return text_of(r), "duplicate"


@case("dup-same-ballot-cast-and-spoiled", "the same ballot both cast and spoiled (with its true opening)")
def _() -> Built:
    r = honest()
    cast, opened = cast_ballot(MANIFEST, bytes.fromhex(r["election"]), bytes.fromhex(r["joint_key"]), CHOICES[0],
                               card_of(r, 0), seeded(3), seeded_bytes(503))
    r["ballots"][0] = ballot_json(cast)
    r["spoiled"][0] = {"ballot": encrypted_ballot_json(cast.ballot)} | secrets_json(opened)
    resort(r)
    counted_again(r)
    return text_of(r), "duplicate"


@case("dup-two-cards-same-r", "two cast ballots (different cards) with the same r in row 0 (own valid proofs)")
def _() -> Built:
    r = honest()
    replace_cast(r, 0, CHOICES[0], Draws(4, {0: 987654321}), nonce=504)
    replace_cast(r, 1, CHOICES[1], Draws(5, {0: 987654321}), nonce=505)
    resort(r)
    counted_again(r)
    return text_of(r), "duplicate"


@case("dup-within-ballot", "one ballot whose rows 0 and 1 use the same r (same alpha), valid proofs")
def _() -> Built:
    r = honest()
    replace_cast(r, 0, CHOICES[0], Draws(6, {0: 55555, DRAWS_PER_ROW: 55555}), nonce=506)
    resort(r)
    counted_again(r)
    return text_of(r), "duplicate"


# ---------------------------------------------------------------------------------------------- encodings
ENCODINGS: list[tuple[str, str, Callable[[Json], Any]]] = [
    ("enc-0x", "joint_key starting 0x", setter(("joint_key",), lambda k: "0x" + k[2:])),
    ("enc-63-hex", "alpha of 63 hex digits", setter(("ballots", 0, "rows", 0, "alpha"), lambda a: a[:63])),
    ("enc-65-hex", "alpha of 65 hex digits", setter(("ballots", 0, "rows", 0, "alpha"), lambda a: a + "0")),
    ("enc-ceremony-z-plus-l", "a ceremony Schnorr proof's z+l",
     setter(("committee", "commitments", 0, "proofs", 0, "z"), plus_l)),
    ("enc-highbit-point", "joint_key with the top bit set", setter(("joint_key",), top_bit)),
    ("enc-identity-K", "member 1's K_1,1 = identity", setter(("committee", "commitments", 0, "K", 1), "0" * 64)),
    ("enc-identity-card", "an identity credential in the card list (void)",
     lambda r: (r["cards"]["list"].insert(0, {"credential": "0" * 64, "void": True}))),
    ("enc-identity-joint-key", "joint key = identity", setter(("joint_key",), "0" * 64)),
    ("enc-invalid-card", "a card credential ff..ff",
     lambda r: r["cards"]["list"].append({"credential": "f" * 64, "void": True})),
    ("enc-invalid-point-tally", "tally alpha = 0x01 00.. (not a valid ristretto encoding)",
     setter(("tally", "rows", 0, "alpha"), "01" + "0" * 62)),
    ("enc-noncanon-point", "joint_key = its field element + p (non-canonical encoding)",
     setter(("joint_key",), lambda k: (int.from_bytes(bytes.fromhex(k), "little") + 2**255 - 19)
            .to_bytes(32, "little").hex())),
    ("enc-nonce-plus-l", "a spoiled nonce r+l", setter(("spoiled", 0, "nonces", 0), plus_l)),
    ("enc-nonhex", "joint_key with a 'g'", setter(("joint_key",), lambda k: "g" + k[1:])),
    ("enc-row-c-plus-l", "a row proof's c_0+l", setter(("ballots", 0, "rows", 0, "c", 0), plus_l)),
    ("enc-row-z-plus-l", "a row proof's z_i+l", setter(("ballots", 0, "rows", 0, "z", 1), plus_l)),
    ("enc-share-c-plus-l", "a decryption share's c+l", setter(("decryption", 0, "shares", 0, "c"), plus_l)),
    ("enc-share-z-plus-l", "a decryption share's z+l", setter(("decryption", 0, "shares", 0, "z"), plus_l)),
    ("enc-short-code", "a code of 62 hex digits", setter(("ballots", 0, "code"), lambda c: c[:62])),
    ("enc-sig-c-plus-l", "signature c replaced by c+l", setter(("ballots", 0, "signature", "c"), plus_l)),
    ("enc-sig-z-plus-l", "signature z replaced by z+l", setter(("ballots", 0, "signature", "z"), plus_l)),
    ("enc-upper-M", "a share's M in upper case", setter(("decryption", 0, "shares", 0, "M"), str.upper)),
    ("enc-upper-alpha", "a cast ballot's alpha in upper-case hex", setter(("ballots", 0, "rows", 0, "alpha"),
                                                                         str.upper)),
    ("enc-upper-joint-key", "joint_key in upper case", setter(("joint_key",), str.upper)),
    ("enc-upper-manifest-hash", "manifest_hash in upper case", setter(("manifest_hash",), str.upper)),
    ("enc-upper-nonce", "a spoiled nonce in upper case", setter(("spoiled", 0, "nonces", 0), str.upper)),
    ("enc-upper-sig", "a signature z in upper case", setter(("ballots", 0, "signature", "z"), str.upper)),
    ("enc-v3-upper-election", "v3: E in upper case", setter(("election",), str.upper)),
    ("enc-v3-receipt-key-identity", "v3: the receipt key R = identity", setter(("receipt_key",), "0" * 64)),
    ("enc-v3-short-ballot-nonce", "v3: a ballot nonce N of 62 hex digits",
     setter(("ballots", 0, "nonce"), lambda n: n[:62])),
]
for name, description, change in ENCODINGS:
    edit(name, description, "encoding", change)


@case("enc-identity-alpha", "a cast ballot made with r=0 (alpha = identity, valid proof & signature)")
def _() -> Built:
    r = honest()
    replace_cast(r, 0, CHOICES[0], Draws(7, {0: 0}), nonce=507)
    resort(r)
    counted_again(r)
    return text_of(r), "encoding"


# ---------------------------------------------------------------------------------------------- format
FORMATS: list[tuple[str, str, Callable[[Json], Any]]] = [
    ("fmt-501-astral", "a subject of 501 astral chars", setter(("manifest", "subjects", 0), "𝕏" * 501)),
    ("fmt-alpha-int", "an alpha as a JSON integer", setter(("ballots", 0, "rows", 0, "alpha"), 5)),
    ("fmt-ballots-object", "ballots is {}", setter(("ballots",), {})),
    ("fmt-bool-count", "a count of 1 written as true", setter(("decryption", 0, "counts", 0), True)),
    ("fmt-bool-maxballots", "max_ballots: true", setter(("manifest", "max_ballots"), True)),
    ("fmt-bool-members", "committee members: true", setter(("committee", "members"), True)),
    ("fmt-bool-share-member", "share member: true (== 1)", setter(("decryption", 0, "shares", 0, "member"), True)),
    ("fmt-control-subject", "a subject with a newline", setter(("manifest", "subjects", 0), "Một\nHai")),
    ("fmt-decryption-early", "state closed, tally null, decryption present",
     both(setter(("state",), "closed"), setter(("tally",), None))),
    ("fmt-empty-round-id", "round_id empty string", setter(("manifest", "round_id"), "")),
    ("fmt-extra-ballot", "extra key in a cast ballot", setter(("ballots", 0, "note"), "x")),
    ("fmt-extra-card", "extra key in a card", setter(("cards", "list", 0, "note"), "x")),
    ("fmt-extra-cards", "extra key in cards", setter(("cards", "note"), "x")),
    ("fmt-extra-commitment", "extra key in a commitment", setter(("committee", "commitments", 0, "note"), "x")),
    ("fmt-extra-committee", "extra key in committee", setter(("committee", "note"), "x")),
    ("fmt-extra-decryption", "extra key in a decryption entry", setter(("decryption", 0, "note"), "x")),
    ("fmt-extra-manifest", "extra key in manifest", setter(("manifest", "note"), "x")),
    ("fmt-extra-proof", "extra key in a Schnorr proof", setter(("committee", "commitments", 0, "proofs", 0, "x"), 1)),
    ("fmt-extra-row", "extra key in a ballot row", setter(("ballots", 0, "rows", 0, "note"), "x")),
    ("fmt-extra-share", "extra key in a share", setter(("decryption", 0, "shares", 0, "note"), "x")),
    ("fmt-extra-signature", "extra key in a signature", setter(("ballots", 0, "signature", "note"), "x")),
    ("fmt-extra-spoiled", "extra key in a spoiled entry", setter(("spoiled", 0, "note"), "x")),
    ("fmt-extra-spoiled-ballot", "extra key in a spoiled ballot", setter(("spoiled", 0, "ballot", "note"), "x")),
    ("fmt-extra-spoiled-row", "extra key in a spoiled ballot's row",
     setter(("spoiled", 0, "ballot", "rows", 0, "note"), "x")),
    ("fmt-extra-tally", "extra key in tally", setter(("tally", "note"), "x")),
    ("fmt-extra-tally-row", "extra key in a tally row", setter(("tally", "rows", 0, "note"), "x")),
    ("fmt-extra-top", "extra key at the top level", setter(("note",), "x")),
    ("fmt-float-issued", "cards.issued 5.0", setter(("cards", "issued"), 5.0)),
    ("fmt-float-maxballots", "max_ballots 10.0", setter(("manifest", "max_ballots"), 10.0)),
    ("fmt-float-member", "a share member 1.0", setter(("decryption", 0, "shares", 0, "member"), 1.0)),
    ("fmt-float-members", "committee members 3.0", setter(("committee", "members"), 3.0)),
    ("fmt-float-tally-ballots", "tally.ballots: 5.0", setter(("tally", "ballots"), 5.0)),
    ("fmt-float-total", "a decryption total as a float (T.0)", setter(("decryption", 0, "total"), lambda t: float(t))),
    ("fmt-float-value", "a spoiled value as float", setter(("spoiled", 0, "values", 0), lambda v: float(v))),
    ("fmt-group", "group ed25519", setter(("group",), "ed25519")),
    ("fmt-int-void", "void written as 0/1", setter(("cards", "list", 0, "void"), lambda v: int(v))),
    ("fmt-levels-ints", "levels is [1,2,3]", setter(("manifest", "levels"), [1, 2, 3])),
    ("fmt-levels-string", "levels is a string", setter(("manifest", "levels"), "cao,tin_nhiem,thap")),
    ("fmt-long-name", "member name of 501 chars", setter(("committee", "commitments", 0, "name"), "A" * 501)),
    ("fmt-missing-joint-key", "joint_key removed", deleter(("joint_key",))),
    ("fmt-missing-sig-z", "signature without z", deleter(("ballots", 0, "signature", "z"))),
    ("fmt-state", "state 'counted'", setter(("state",), "counted")),
    ("fmt-str-issued", "issued: \"5\"", setter(("cards", "issued"), "5")),
    ("fmt-tab-name", "member name with a TAB", setter(("committee", "commitments", 0, "name"), "A\tB")),
    ("fmt-tally-early", "state closed but tally and decryption present", setter(("state",), "closed")),
    ("fmt-tally-early-open", "state open, tally present, decryption null",
     both(setter(("state",), "open"), setter(("decryption",), None))),
    ("fmt-tally-list", "tally is []", setter(("tally",), [])),
    ("fmt-values-strings", "spoiled values as strings", setter(("spoiled", 0, "values"),
                                                               lambda v: [str(x) for x in v])),
    ("fmt-version1", "format tinnhiem-record/1", setter(("format",), "tinnhiem-record/1")),
    ("fmt-version2", "v3: format tinnhiem-record/2", setter(("format",), "tinnhiem-record/2")),
    ("fmt-v3-manifest-without-nonce", "v3: the manifest without its election nonce (a version-2 manifest)",
     deleter(("manifest", "election_nonce"))),
    ("fmt-v3-closing-without-signatures", "v3: the closing statement without its signatures",
     deleter(("closing", "signatures"))),
]
for name, description, change in FORMATS:
    edit(name, description, "format", change)

TEXTS: list[tuple[str, str, Callable[[str], str]]] = [
    ("fmt-dup-alpha", "a row's alpha twice: first a bogus value, then the real one",
     lambda t: t.replace('"alpha": ', '"alpha": "' + "1" * 64 + '", "alpha": ', 1)),
    ("fmt-dup-escaped-key", "top-level \"state\" and \"st\\u0061te\" (same key once unescaped)",
     lambda t: t.replace('"state": "tallied"', '"state": "tallied", "st\\u0061te": "tallied"', 1)),
    ("fmt-dup-escaped-key-nested", "a ballot with \"code\" and \"c\\u006fde\"",
     lambda t: t.replace('"ballots": [{"code": ', '"ballots": [{"c\\u006fde": "' + "0" * 64 + '", "code": ', 1)),
    ("fmt-dup-maxballots", "manifest max_ballots twice (1 then the real 10)",
     lambda t: t.replace('"max_ballots": 10', '"max_ballots": 1, "max_ballots": 10', 1)),
    ("fmt-dup-member-share", "share member key twice",
     lambda t: t.replace('"shares": [{"member": 1', '"shares": [{"member": 2, "member": 1', 1)),
    ("fmt-dup-top-same", "top-level key `state` twice, same value",
     lambda t: t.replace('"state": "tallied"', '"state": "tallied", "state": "tallied"', 1)),
    ("fmt-dup-void", "a card's void twice (false then true) on a void card",
     lambda t: t.replace('"void": true', '"void": false, "void": true', 1)),
    ("fmt-exp-total", "a decryption total with an exponent (Te0)", lambda t: _exponent(t)),
    ("fmt-inf-total", "total: Infinity", lambda t: _total(t, "Infinity")),
    ("fmt-nan-total", "total: NaN", lambda t: _total(t, "NaN")),
    ("fmt-lone-surrogate", "a subject holding a lone surrogate \\ud800",
     lambda t: t.replace(json.dumps(SUBJECTS[2], ensure_ascii=False), '"L\\ud800e Ba"', 1)),
]


def _total(text: str, value: str) -> str:
    start = text.index('"total": ') + len('"total": ')
    end = text.index(",", start)
    return text[:start] + value + text[end:]


def _exponent(text: str) -> str:
    start = text.index('"total": ') + len('"total": ')
    end = text.index(",", start)
    return text[:start] + text[start:end] + "e0" + text[end:]


for name, description, change in TEXTS:
    text_edit(name, description, "format", change)


# ---------------------------------------------------------------------------------------------- top bit
@case("hb-K", "a commitment K_1,1 with the top bit set")
def _() -> Built:
    r = honest()
    r["committee"]["commitments"][0]["K"][1] = top_bit(r["committee"]["commitments"][0]["K"][1])
    return text_of(r), "encoding"


edit("hb-M", "a decryption share M with the top bit set", "encoding",
     setter(("decryption", 0, "shares", 0, "M"), top_bit))


@case("hb-alpha-dup", "two ballots share r in row 0; the second's alpha has the top bit set (alias evades "
                      "the duplicate check)")
def _() -> Built:
    r = honest()
    replace_cast(r, 0, CHOICES[0], Draws(8, {0: 24680}), nonce=508)
    replace_cast(r, 1, CHOICES[1], Draws(9, {0: 24680}), nonce=509)
    r["ballots"][1]["rows"][0]["alpha"] = top_bit(r["ballots"][1]["rows"][0]["alpha"])
    resort(r)
    return text_of(r), "encoding"


@case("hb-double-vote", "one card votes twice: listed as S and as S with the top bit set (same point)")
def _() -> Built:
    r = honest()
    secret = card_of(r, 0)
    extra = new_cast(r, CHOICES[1], secret, seeded(10), 510)
    extra["credential"] = top_bit(extra["credential"])
    r["ballots"].append(extra)
    r["cards"]["list"].append({"credential": extra["credential"], "void": False})
    r["cards"]["issued"] += 1
    r["checkins"]["electronic"] += 1
    resort(r)
    return text_of(r), "encoding"


edit("hb-void-alias-of-cast", "the cast card 0 also listed, voided, under its top-bit alias", "encoding",
     lambda r: r["cards"]["list"].append({"credential": top_bit(r["ballots"][0]["credential"]), "void": True}))
edit("hb-void-card", "an unused void card whose credential has the top bit set", "encoding",
     lambda r: next(c for c in r["cards"]["list"] if c["void"]).update(
         credential=top_bit(next(c for c in r["cards"]["list"] if c["void"])["credential"])))

edit("jk-wrong", "joint_key = K_1,0 only", "joint-key",
     lambda r: r.update(joint_key=r["committee"]["commitments"][0]["K"][0]))

# ---------------------------------------------------------------------------------------------- junk
JUNK: list[tuple[str, str, str, Callable[[bytes], bytes]]] = [
    ("junk-array", "top level is a JSON array", "format", lambda t: b"[" + t + b"]"),
    ("junk-binary", "random binary bytes", "format", lambda t: bytes(range(256)) * 3),
    ("junk-bom", "record with a UTF-8 BOM", "format", lambda t: b"\xef\xbb\xbf" + t),
    ("junk-empty", "empty file", "format", lambda t: b""),
    ("junk-hugeint-issued", "issued = 10^30", "bounds",
     lambda t: t.replace(b'"issued": 5', b'"issued": 1' + b"0" * 30, 1)),
    ("junk-hugeint-string-field", "joint_key as a 5000-digit integer", "format",
     lambda t: _replace_value(t, b'"joint_key": ', b"9" * 5000)),
    ("junk-hugeint-total", "a total with 5000 decimal digits", "format",
     lambda t: _replace_value(t, b'"total": ', b"9" * 5000)),
    ("junk-latin1", "subject bytes in Latin-1 (invalid UTF-8)", "format",
     lambda t: t.replace("Lê Ba".encode(), "Lê Ba".encode("latin-1"), 1)),
    ("junk-nul-byte", "a NUL byte inside a string", "format",
     lambda t: t.replace("Lê Ba".encode(), "Lê\x00 Ba".encode(), 1)),
    ("junk-null", "top level is null", "format", lambda t: b"null"),
    ("junk-number", "top level is 42", "format", lambda t: b"42"),
    ("junk-object-empty", "{}", "format", lambda t: b"{}"),
    ("junk-random-json", "random JSON object", "format", lambda t: b'{"a": [1, 2, {"b": null}], "c": "d"}'),
    ("junk-string", "top level is a JSON string", "format", lambda t: b'"tinnhiem-record/3"'),
    ("junk-trailing", "valid record followed by garbage", "format", lambda t: t + b" garbage"),
    ("junk-truncated", "record truncated at half", "format", lambda t: t[: len(t) // 2]),
    ("junk-truncated-1", "record minus its last byte", "format", lambda t: t[:-1]),
]


def _replace_value(text: bytes, key: bytes, value: bytes) -> bytes:
    start = text.index(key) + len(key)
    end = min(i for i in (text.find(b",", start), text.find(b"}", start)) if i >= 0)
    return text[:start] + value + text[end:]


for name, description, check, change in JUNK:
    def build(change: Callable[[bytes], bytes] = change, check: str = check) -> Built:
        return change(text_of(honest())), check
    CASES[name] = (description, build)


# ---------------------------------------------------------------------------------------------- limits, levels
@case("limit-over", "5 ballots, max_ballots 4 (manifest hash then wrong)")
def _() -> Built:
    r = honest()
    r["manifest"]["max_ballots"] = 4
    return text_of(r), "manifest-hash"


@case("limit-wrap", "3 ballots, max_ballots 2 (B=3): 3 x level0 decodes as 1 x level1")
def _() -> Built:
    small = replace(MANIFEST, max_ballots=2)
    return text_of(to_json(make_base(small, [[0, 0, 0]] * 3, spoil=0).sim.record)), "ballot-limit"


for name, levels in [("lvl-1", ["tin_nhiem"]), ("lvl-4", ["cao", "tin_nhiem", "thap", "thap"]),
                     ("lvl-cao-x3", ["cao", "cao", "cao"]), ("lvl-empty", []),
                     ("lvl-noconf-reversed", ["khong_tin_nhiem", "tin_nhiem"]),
                     ("lvl-reordered", ["cao", "thap", "tin_nhiem"]), ("lvl-unknown", ["cao", "tin_nhiem", "low"]),
                     ("lvl-uppercase", ["CAO", "TIN_NHIEM", "THAP"])]:
    edit(name, f"levels {levels}", "levels", setter(("manifest", "levels"), levels))

edit("mh-maxballots", "max_ballots changed 10 -> 11", "manifest-hash", setter(("manifest", "max_ballots"), 11))
edit("mh-nfd2", "a subject rewritten in NFD (same text to a reader, other bytes)", "manifest-hash",
     setter(("manifest", "subjects", 0), lambda s: unicodedata.normalize("NFD", s)))
edit("mh-subjects-reordered", "subjects reordered", "manifest-hash",
     setter(("manifest", "subjects"), lambda s: s[::-1]))
edit("mh-zero", "manifest_hash 00..00", "manifest-hash", setter(("manifest_hash",), "0" * 64))
edit("mh-v3-election-nonce", "v3: the election nonce changed (another election)", "manifest-hash",
     setter(("manifest", "election_nonce"), seeded_nonce(32)))


# ---------------------------------------------------------------------------------------------- honest records
def ok(name: str, description: str, build: Callable[[], Json | bytes]) -> None:
    def made() -> Built:
        record = build()
        return (record if isinstance(record, bytes) else text_of(record)), "valid"
    CASES[name] = (description, made)


def simulated(manifest: Manifest = MANIFEST, choices: list[list[int | None]] | None = None, **options: Any) -> Json:
    return to_json(make_base(manifest, choices, **options).sim.record)


ok("ok-300-astral", "a subject of 300 astral chars",
   lambda: simulated(replace(MANIFEST, subjects=("𝕏" * 300, *SUBJECTS[1:]))))
ok("ok-500-astral-chars", "round_id of 500 astral chars, a member name of 500 chars",
   lambda: simulated(replace(MANIFEST, round_id="𝕐" * 500), names=("N" * 500, "B", "C")))
ok("ok-Q-1-3", "honest decryption by members {1,3}", lambda: simulated(decrypting=[1, 3]))
ok("ok-Q-all3", "honest decryption by all three members (k=2)", lambda: simulated(decrypting=[1, 2, 3]))


def _per_subject_sets() -> Json:
    """Different decrypting sets per subject ({1,2},{2,3},{3,1})."""
    b = base()
    r = copy.deepcopy(b.record)
    record = from_json(r)
    logs = DiscreteLogs(len(record.ballots) * MANIFEST.values[-1])
    for j, (ct, sets) in enumerate(zip(record.sums, ((1, 2), (2, 3), (3, 1)), strict=True)):
        shares = [decrypt_share(m, b.sim.keyed.secrets[m], ct, MANIFEST.hash, j, seeded(40 + m)) for m in sets]
        total = logs.log(combine(ct, shares))
        assert total is not None
        counts, empty = decode_counts(total, MANIFEST.base, 3, len(record.ballots), j)
        r["decryption"][j] = {"shares": [{"member": s.member, "M": s.partial.hex(),
                                          "c": encode_scalar(s.proof.challenge).hex(),
                                          "z": encode_scalar(s.proof.response).hex()} for s in shares],
                              "total": total, "counts": list(counts), "empty": empty}
    return r


ok("ok-Q-per-subject", "different decrypting sets per subject ({1,2},{2,3},{3,1})", _per_subject_sets)
ok("ok-base", "honest generated record (3 subj, L=3, n=3,k=2, 5 cast, 2 spoiled)", honest)
ok("ok-c1-controls", "texts with C1 controls U+0085/U+009F, DEL, a lone space, a zero-width space",
   lambda: simulated(replace(MANIFEST, subjects=("A\u0085B\u009f C\u007fD", " ", "\u200b"))))
ok("ok-commitments-unordered", "commitments listed as members 2,1,3 (§11 demands no order)",
   lambda: (r := honest(), r["committee"]["commitments"].insert(0, r["committee"]["commitments"].pop(1)), r)[2])
ok("ok-duplicate-subjects", "two subjects with the same text",
   lambda: simulated(replace(MANIFEST, subjects=("Lê Ba", "Lê Ba", "Trần Thị Hai"))))
ok("ok-escaped-key", "the key \"state\" written as \"st\\u0061te\" (no duplicate)",
   lambda: text_of(honest()).replace(b'"state": ', b'"st\\u0061te": ', 1))


def _cancelling_all() -> Json:
    r = honest()
    n = len(r["ballots"])
    rs = [1000 + i for i in range(n - 1)]
    rs.append((-sum(rs)) % ORDER)
    for i in range(n):
        replace_cast(r, i, CHOICES[i], Draws(20 + i, {0: rs[i]}), nonce=520 + i)
    resort(r)
    counted_again(r)
    assert r["tally"]["rows"][0]["alpha"] == IDENTITY.hex()
    return r


ok("ok-identity-alpha-sum", "honest: ballots whose row-0 nonces cancel, tally alpha = identity, M = identity",
   _cancelling_all)
ok("ok-issued-all-listed", "issued = every listed card (7) incl. void ones, 5 cast; the committee signed it",
   lambda: (r := honest(), r["cards"].update(issued=7), r["checkins"].update(electronic=7), counted_again(r), r)[4])
ok("ok-keys-reversed", "top-level keys in reverse order", lambda: dict(reversed(list(honest().items()))))
ok("ok-max1", "max_ballots=1, one ballot", lambda: simulated(replace(MANIFEST, max_ballots=1), [CHOICES[0]]))
ok("ok-max100000-k4", "max_ballots=100000 (B^2 ~ 1e10), k=n=4",
   lambda: simulated(replace(MANIFEST, max_ballots=100000), members=4, threshold=4))
ok("ok-minus-zero", "an `empty` written as the JSON integer -0",
   lambda: text_of(honest()).replace(b'"empty": 0', b'"empty": -0', 1))
ok("ok-n64", "64 members, k=2, decrypted by members 63 and 64",
   lambda: simulated(members=64, threshold=2, decrypting=[63, 64], signing=[63, 64]))
ok("ok-no-cards", "tallied record with no cards at all and no ballots (issued 0)",
   lambda: simulated(choices=[], spoil=0, void=0))
ok("ok-noconfidence", "honest no-confidence (L=2) record, n=k=2",
   lambda: simulated(replace(MANIFEST, levels=("tin_nhiem", "khong_tin_nhiem")), [[0, 1, None], [1, 1, 0]],
                     members=2, threshold=2))
ok("ok-pretty-ascii", "the record pretty-printed with \\u escapes (ensure_ascii)",
   lambda: json.dumps(honest(), indent=2).encode("ascii"))
ok("ok-shares-unordered", "each subject's shares listed as members 2,1",
   lambda: (r := honest(), [d["shares"].reverse() for d in r["decryption"]], r)[2])
ok("ok-subject-all-empty", "every ballot leaves subject 1 empty (total 0: total*G = identity)",
   lambda: simulated(choices=[[c[0], None, c[2]] for c in CHOICES]))
ok("ok-vector", "the vectors file's small_record", small_record)
ok("ok-void-spoiled-card", "v3: a round with only challenges (2 spoiled ballots, no cast ballot, every card void)",
   lambda: _only_challenges())
ok("ok-weird-texts", "subjects with \" \\ / emoji U+2028 DEL (manifest canonical JSON)",
   lambda: simulated(replace(MANIFEST, subjects=('a"b\\c/d', "😀\u2028", "\u007f"))))
ok("ok-zero-ballots", "honest tallied record with 0 cast ballots (identity sums, M = identity)",
   lambda: simulated(choices=[], spoil=0, void=3))
ok("ok2-base", "honest second base", lambda: simulated(seed=12))
ok("ok-4-challenges", "v3: four challenges in a round of 7 cards; the record cannot say which card challenged "
                      "(a spoiled ballot names none)", lambda: simulated(spoil=4))


def _only_challenges() -> Json:
    """No cast ballot, two spoiled ones: every card void at closing, the spoiled ballots named by no card."""
    r = simulated(choices=[], spoil=0, void=3)
    for i in range(2):
        ballot, opened = encrypt_ballot(MANIFEST, bytes.fromhex(r["election"]), bytes.fromhex(r["joint_key"]),
                                        CHOICES[i], seeded(60 + i), seeded_bytes(560 + i))
        r["spoiled"].append({"ballot": encrypted_ballot_json(ballot)} | secrets_json(opened))
    resort(r)
    return r


# ---------------------------------------------------------------------------------------------- order
edit("ord-dup-ballot", "a cast ballot listed twice", "order",
     lambda r: r["ballots"].insert(1, copy.deepcopy(r["ballots"][0])))
edit("ord-dup-card", "a card listed twice", "order",
     lambda r: r["cards"]["list"].insert(1, copy.deepcopy(r["cards"]["list"][0])))
edit("ord-dup-spoiled", "a spoiled entry repeated", "order",
     lambda r: r["spoiled"].insert(1, copy.deepcopy(r["spoiled"][0])))
edit("ord-swap-ballots", "two cast ballots swapped", "order",
     lambda r: r["ballots"].insert(0, r["ballots"].pop(1)))
edit("ord-swap-cards", "two cards swapped", "order", lambda r: r["cards"]["list"].insert(0, r["cards"]["list"].pop(1)))
edit("ord-swap-spoiled", "spoiled entries reversed", "order", lambda r: r["spoiled"].reverse())
edit("ord-v3-signatures", "v3: the card list's signatures by member 2 then 1", "order",
     lambda r: r["cards"]["signatures"].reverse())
edit("ord-vs-enc-upper-card", "a card credential upper-case (also breaks order)", "encoding",
     setter(("cards", "list", 0, "credential"), str.upper))


def _over_cards(r: Json) -> None:
    r["cards"]["issued"] = 4
    r["checkins"]["electronic"] = 4


edit("over-cards", "issued 4 < 5 cast ballots (and the electronic check-ins 4 too)", "ballots-over-cards",
     _over_cards)
edit("over-cards-open", "open record with issued 4 < 5 ballots (v3: issued is null until closed, §11: "
     "cards-issued comes first)", "cards-issued",
     both(setter(("cards", "issued"), 4), setter(("state",), "open"), *(setter((k,), None) for k in
                                                                        ("tally", "decryption", "checkins", "closing"))))


# ---------------------------------------------------------------------------------------------- proofs
def _reproved(change: Callable[[Json, Json], None], check: str = "ballot-proof") -> Callable[[], Built]:
    def build() -> Built:
        r = honest()
        change(r, r["ballots"][0])
        recode(r["ballots"][0], card_of(r, 0))
        resort(r)
        counted_again(r)
        return text_of(r), check
    return build


def _beta_plus_g(r: Json, b: Json) -> None:
    from tinnhiem.crypto.group import add

    b["rows"][0]["beta"] = add(bytes.fromhex(b["rows"][0]["beta"]), base_mul(1)).hex()


def _rows_of_another_ballot(r: Json, b: Json) -> None:
    other = new_cast(r, CHOICES[0], card_of(r, 0), seeded(13), 513)  # made with its own N
    b["rows"] = other["rows"]


CASES["proof-beta-plus-G"] = ("a row's beta + G (vote 1 more), re-coded, re-signed, tally recomputed",
                              _reproved(_beta_plus_g))
CASES["proof-c-swapped"] = ("a row's c_0,c_1 swapped (sum unchanged), re-coded, re-signed",
                            _reproved(lambda r, b: b["rows"][0].update(c=[b["rows"][0]["c"][1], b["rows"][0]["c"][0],
                                                                          *b["rows"][0]["c"][2:]])))
CASES["proof-other-card"] = ("v3: rows made for another ballot (their own nonce N) placed in this one, re-coded, "
                             "re-signed by its card", _reproved(_rows_of_another_ballot))
CASES["proof-rows-swapped"] = ("two rows of a ballot swapped (re-coded, re-signed)",
                               _reproved(lambda r, b: b["rows"].insert(0, b["rows"].pop(1))))


@case("proof-spoiled-bad", "a spoiled ballot's proof broken (re-coded)")
def _() -> Built:
    r = honest()
    s = r["spoiled"][0]["ballot"]
    s["rows"][0]["z"] = s["rows"][0]["z"][::-1]
    recode(s)
    resort(r)
    return text_of(r), "ballot-proof"


def _plaintext(change: Callable[[Json], None]) -> Callable[[Json], None]:
    return lambda r: change(r["decryption"][0])


edit("pt-count-plus1", "a count + 1 (total kept)", "plaintext",
     _plaintext(lambda d: d["counts"].__setitem__(0, d["counts"][0] + 1)))
edit("pt-counts-short-topzero2", "L=3 but counts [a,b] (top digit omitted)", "plaintext",
     _plaintext(lambda d: d.update(counts=d["counts"][:2])))
edit("pt-digit-overflow", "counts rewritten with a digit >= B (same weighted sum)", "plaintext",
     _plaintext(lambda d: d.update(counts=[d["counts"][0] + 11 * d["counts"][1], 0, d["counts"][2]])))
edit("pt-empty-plus1", "an empty + 1", "plaintext", _plaintext(lambda d: d.update(empty=d["empty"] + 1)))
edit("pt-total-0", "every total set to 0 with counts 0 and empty N", "plaintext",
     lambda r: [d.update(total=0, counts=[0, 0, 0], empty=5) for d in r["decryption"]])
edit("pt-total-plus1", "a total + 1", "plaintext", _plaintext(lambda d: d.update(total=d["total"] + 1)))


def _noconfidence(change: Callable[[Json], None]) -> Callable[[], Built]:
    def build() -> Built:
        r = simulated(replace(MANIFEST, levels=("tin_nhiem", "khong_tin_nhiem")), [[0, 1, None], [1, 1, 0]])
        change(r["decryption"][0])
        return text_of(r), "plaintext"
    return build


CASES["pt-noconf-above-top"] = ("L=2: total + B^2, counts [a,b,1] (something above top level)",
                                _noconfidence(lambda d: d.update(total=d["total"] + 11**2, counts=d["counts"] + [1])))
CASES["pt-noconf-counts-3"] = ("no-confidence record (L=2) with counts [a,b,0]",
                               _noconfidence(lambda d: d.update(counts=d["counts"] + [0])))


@case("reuse-card", "card 0 casts twice (both signed; issued and check-ins 6)")
def _() -> Built:
    r = honest()
    r["ballots"].append(new_cast(r, CHOICES[1], card_of(r, 0), seeded(14), 514))
    r["cards"]["issued"] += 1
    r["checkins"]["electronic"] += 1
    resort(r)
    return text_of(r), "credential-reuse"


# ---------------------------------------------------------------------------------------------- signatures
@case("sig-c-plus-1", "a signature's c + 1")
def _() -> Built:
    r = honest()
    sig = r["ballots"][0]["signature"]
    sig["c"] = encode_scalar(int.from_bytes(bytes.fromhex(sig["c"]), "little") + 1).hex()
    return text_of(r), "ballot-signature"


edit("sig-copied", "signature copied from another ballot", "ballot-signature",
     lambda r: r["ballots"][0].update(signature=copy.deepcopy(r["ballots"][1]["signature"])))


@case("sig-other-card", "signed with another (void) card's key, credential unchanged")
def _() -> Built:
    r = honest()
    void = next(c["credential"] for c in r["cards"]["list"] if c["void"])
    b = r["ballots"][0]
    b["signature"] = signature_json(sign(base().cards[void], bytes.fromhex(void), SIGNATURE_TAG,
                                         bytes.fromhex(b["code"]), seeded(15)))
    return text_of(r), "ballot-signature"


edit("sig-spoiled-copied", "v3: a spoiled ballot has no signature; one given one is refused", "format",
     lambda r: r["spoiled"][0]["ballot"].update(signature=copy.deepcopy(r["ballots"][0]["signature"])))


@case("sig-wrong-tag", "signature with tag sign-in instead of ballot-signature")
def _() -> Built:
    r = honest()
    recode(r["ballots"][0], card_of(r, 0), tag="sign-in")
    return text_of(r), "ballot-signature"


SPOILED: list[tuple[str, str, Callable[[Json], Any]]] = [
    ("so-long", "a spoiled entry with one value and nonce more",
     lambda s: (s["values"].append(s["values"][0]), s["nonces"].append(s["nonces"][0]))),
    ("so-nonce-zero", "a spoiled nonce 0", lambda s: s["nonces"].__setitem__(0, "0" * 64)),
    ("so-nonces-reversed", "a spoiled entry's nonces reversed", lambda s: s["nonces"].reverse()),
    ("so-short", "a spoiled entry with one value and nonce fewer", lambda s: (s["values"].pop(), s["nonces"].pop())),
    ("so-value-changed", "a spoiled value changed to another value of V",
     lambda s: s["values"].__setitem__(0, 1 if s["values"][0] != 1 else 11)),
    ("so-value-not-in-V", "a spoiled value 2 (not in V)", lambda s: s["values"].__setitem__(0, 2)),
    ("so-value-wrap", "a spoiled value + 2^62 (outside V)", lambda s: s["values"].__setitem__(0, s["values"][0] + 2**62)),
]
for name, description, change in SPOILED:
    edit(name, description, "spoiled-opening", lambda r, change=change: change(r["spoiled"][0]))

edit("spoiled-code-changed", "a spoiled code replaced by 00..00 (order kept)", "spoiled-code",
     lambda r: r["spoiled"][0]["ballot"].update(code="0" * 64))
edit("spoiled-code-resigned-other", "v3: a spoiled code altered in its last digit (a spoiled ballot has no "
                                    "signature to redo)", "spoiled-code",
     lambda r: r["spoiled"][0]["ballot"].update(code=flip(r["spoiled"][0]["ballot"]["code"], 31)))


@case("spoiled-code-swapped", "codes of the two spoiled ballots swapped (re-sorted)")
def _() -> Built:
    r = honest()
    a, b = r["spoiled"][0]["ballot"], r["spoiled"][1]["ballot"]
    a["code"], b["code"] = b["code"], a["code"]
    resort(r)
    return text_of(r), "spoiled-code"


SURROGATES: list[tuple[str, str, str, Callable[[str], str]]] = [
    ("sur-extra-key", "an extra top-level key \"\\ud800\" (lone surrogate)", "format",
     lambda t: t.replace('{"format"', '{"\\ud800": 1, "format"', 1)),
    ("sur-extra-key-ballot", "an extra ballot key \"\\udfff\"", "format",
     lambda t: t.replace('"ballots": [{', '"ballots": [{"\\udfff": 1, ', 1)),
    ("sur-format", "format \"\\ud800\"", "format", lambda t: t.replace('"tinnhiem-record/3"', '"\\ud800"', 1)),
    ("sur-hex", "joint_key \"\\ud800\" + 63 hex", "format",
     lambda t: _replace_str(t, '"joint_key": ', '"\\ud800' + "0" * 63 + '"')),
    ("sur-levels", "levels [\"\\ud800\"] (a lone surrogate anywhere fails format, before levels)", "format", lambda t: t.replace('["cao", "tin_nhiem", "thap"]', '["\\ud800"]', 1)),
    ("sur-name", "a member name \"\\udc00\" (names are not hashed)", "format",
     lambda t: t.replace('"name": "Thành viên 1"', '"name": "\\udc00"', 1)),
    ("sur-round-id", "round_id \"\\ud83d\" (high surrogate only)", "format",
     lambda t: t.replace('"round_id": "audit-round"', '"round_id": "\\ud83d"', 1)),
    ("sur-state", "state \"\\ud800\"", "format", lambda t: t.replace('"state": "tallied"', '"state": "\\ud800"', 1)),
]


def _replace_str(text: str, key: str, value: str) -> str:
    start = text.index(key) + len(key)
    end = text.index('"', start + 1) + 1
    return text[:start] + value + text[end:]


for name, description, check, change in SURROGATES:
    text_edit(name, description, check, change)

edit("thr-k-gt-n", "threshold 4 > members 3", "threshold", setter(("committee", "threshold"), 4))
CASES["thr-k1"] = ("k=1 with valid ceremony, ballots and 1-member decryption",
                   lambda: (text_of(simulated(threshold=1, decrypting=[2], signing=[2])), "threshold"))

edit("ts-alpha", "a tally alpha replaced by another subject's", "tally-sum",
     lambda r: r["tally"]["rows"][0].update(alpha=r["tally"]["rows"][1]["alpha"]))
edit("ts-identity", "a tally alpha = identity (wrong)", "tally-sum",
     setter(("tally", "rows", 0, "alpha"), IDENTITY.hex()))
edit("ts-row-extra", "tally with one sum more", "tally-sum",
     lambda r: r["tally"]["rows"].append(copy.deepcopy(r["tally"]["rows"][0])))
edit("ts-row-missing", "tally with one sum fewer", "tally-sum", lambda r: r["tally"]["rows"].pop())
edit("ts-swapped", "tally sums and decryptions reversed between subjects", "tally-sum",
     lambda r: (r["tally"]["rows"].reverse(), r["decryption"].reverse()))

# ---------------------------------------------------------------------------------------------- two faults
edit("two-bounds-levels", "members 65 + levels [cao]", "bounds",
     both(setter(("committee", "members"), 65), setter(("manifest", "levels"), ["cao"])))
edit("two-code-mh", "bad tracking code + bad manifest hash", "tracking-code",
     both(lambda r: r["ballots"][0].update(code=flip(r["ballots"][0]["code"], 31)),
          setter(("manifest_hash",), "0" * 64)))
edit("two-count-plaintext", "ballot-count + plaintext", "ballot-count",
     both(setter(("tally", "ballots"), 6), lambda r: r["decryption"][0].update(total=r["decryption"][0]["total"] + 1)))
edit("two-enc-cardsissued", "upper-case alpha + issued > listed", "encoding",
     both(setter(("ballots", 0, "rows", 0, "alpha"), str.upper), setter(("cards", "issued"), 8)))
edit("two-format-encoding", "extra key + upper-case joint_key", "format",
     both(setter(("note",), "x"), setter(("joint_key",), str.upper)))
edit("two-mh-threshold", "manifest changed + threshold 1", "manifest-hash",
     both(setter(("manifest", "max_ballots"), 9), setter(("committee", "threshold"), 1)))
edit("two-overcards-sig", "ballots-over-cards + bad signature", "ballots-over-cards",
     both(_over_cards, lambda r: r["ballots"][0].update(signature=copy.deepcopy(r["ballots"][1]["signature"]))))


@case("two-proof-opening", "spoiled-opening + ballot-proof")
def _() -> Built:
    text, _ = CASES["proof-beta-plus-G"][1]()  # type: ignore[misc]
    r = json.loads(text)
    r["spoiled"][0]["values"][0] = 2
    return text_of(r), "ballot-proof"


@case("two-sig-round", "bad signature on a cast ballot + spoiled ballot of another election")
def _() -> Built:
    text, _ = CASES["br-spoiled-other-round"][1]()  # type: ignore[misc]
    r = json.loads(text)
    r["ballots"][-1]["signature"] = copy.deepcopy(r["ballots"][0]["signature"])
    return text_of(r), "ballot-signature"


@case("two-spoiledsig-castproof", "v3 (a spoiled ballot has no signature): a bad spoiled proof + a bad cast proof")
def _() -> Built:
    text, _ = CASES["proof-beta-plus-G"][1]()  # type: ignore[misc]
    r = json.loads(text)
    s = r["spoiled"][0]["ballot"]
    s["rows"][0]["z"] = s["rows"][0]["z"][::-1]
    recode(s)
    resort(r)
    return text_of(r), "ballot-proof"


# ---------------------------------------------------------------------------------------------- an outside review
def _own_cards(r: Json, restate: bool) -> None:
    """The server adds two cards of its own, casts a counted ballot with each, raises issued and the
    electronic check-ins by two (and the closing statement's N)."""
    made = [signing_key("audit-round", c) for c in seeded_cards("audit-round", 2, 1818)]
    for s in made:
        r["cards"]["list"].append({"credential": base_mul(s).hex(), "void": False})
    resort(r)
    if restate:
        r["election"] = recomputed_election(from_json(r)).hex()
    for i, s in enumerate(made):
        r["ballots"].append(new_cast(r, CHOICES[i], s, seeded(70 + i), 570 + i))
    r["cards"]["issued"] += 2
    r["checkins"]["electronic"] += 2
    resort(r)


@case("forged-own-cards", "an outside review: the server lists 2 cards of its own, votes with them and raises "
                          "cards.issued by 2; E restated over the new list, the committee's signatures kept")
def _() -> Built:
    r = honest()
    _own_cards(r, restate=True)
    return text_of(r), "card-signatures"


@case("forged-own-cards-same-e", "an outside review: the same, with E left as the committee signed it")
def _() -> Built:
    r = honest()
    _own_cards(r, restate=False)
    return text_of(r), "election"


@case("forged-dropped-ballot-receipt", "an outside review: the server drops a cast ballot before closing and voids its "
                                       "card; the committee counts what it is shown; the delegate's receipt "
                                       "is given to the verifier")
def _() -> Built:
    r = honest()
    dropped = r["ballots"].pop(2)
    next(c for c in r["cards"]["list"] if c["credential"] == dropped["credential"]).update(void=True)
    r["cards"]["issued"] -= 1
    r["checkins"]["electronic"] -= 1
    counted_again(r)
    receipt = sign_receipt(base().sim.receipt_secret, bytes.fromhex(r["election"]), bytes.fromhex(dropped["code"]),
                           seeded(16))
    return text_of(r), "receipt", [receipt_json(receipt)]


@case("forged-dropped-ballot-after-closing", "an outside review: a cast ballot dropped after the committee signed the "
                                             "closing statement (its card voided, the count redone)")
def _() -> Built:
    r = honest()
    dropped = r["ballots"].pop(2)
    next(c for c in r["cards"]["list"] if c["credential"] == dropped["credential"]).update(void=True)
    r["tally"]["ballots"] -= 1
    return text_of(r), "closing"


@case("forged-4-challenges-one-card", "an outside review: four challenges on one card. A version-3 spoiled ballot names no "
                                      "card, so the forger must add the card to each: refused as a field §11 "
                                      "does not have")
def _() -> Built:
    r = simulated(spoil=4)
    for s in r["spoiled"]:
        s["ballot"]["credential"] = r["cards"]["list"][0]["credential"]
    return text_of(r), "format"


@case("forged-challenges-over-limit", "an outside review, what remains of the limit in version 3: 4 spoiled ballots in a "
                                      "round of 1 card (at most 3 per card listed)")
def _() -> Built:
    return text_of(simulated(choices=[CHOICES[0]], spoil=4, void=0)), "challenge-limit"


edit("v3-card-list-signed-by-one", "v3: the card list signed by 1 member (k = 2)", "card-signatures",
     lambda r: r["cards"]["signatures"].pop())
edit("v3-closing-signed-by-one", "v3: the closing statement signed by 1 member (k = 2)", "closing",
     lambda r: r["closing"]["signatures"].pop())
edit("v3-closing-count", "v3: the closing statement's N one more than the ballots", "closing",
     setter(("closing", "ballots"), lambda n: n + 1))
edit("v3-checkins", "v3: issued 4, electronic check-ins 5", "checkins", setter(("cards", "issued"), 4))
edit("v3-paper-checkins", "v3: the paper check-ins changed after the committee signed", "closing",
     setter(("checkins", "paper"), lambda n: n + 1))


@cache
def substituted() -> Base:
    """The whole committee substituted: same manifest, same member names, a fresh ceremony (commitments, joint
    key), receipt key, cards, E, signatures, every ballot (each one marked "thap" on every subject), tally
    and decryption. Valid on its own: only the E the hall showed, or a receipt given in that hall, tells."""
    return make_base(choices=[[2, 2, 2]] * len(CHOICES), seed=97)


def _hall_receipt(i: int = 2) -> Json:
    """A delegate's receipt from the hall's (honest) election, for its cast ballot i."""
    r = base().record
    return receipt_json(sign_receipt(base().sim.receipt_secret, bytes.fromhex(r["election"]),
                                     bytes.fromhex(r["ballots"][i]["code"]), seeded(17)))


@case("forged-substituted-committee", "the whole committee substituted (same manifest and names; fresh "
                                      "commitments, joint key, receipt key, cards, E, signatures, ballots, tally "
                                      "and decryption), checked alone: valid (nothing in a record ties it to a hall)")
def _() -> Built:
    return text_of(substituted().record), "valid"


@case("forged-substituted-committee-election", "the substituted record checked with --election E of the hall "
                                               "(phones, projector, minutes)")
def _() -> Built:
    return text_of(substituted().record), "election", [], base().record["election"]


@case("forged-substituted-committee-receipt", "the substituted record checked with a delegate's receipt from "
                                              "the hall: this record is not the election the receipt was given in")
def _() -> Built:
    return text_of(substituted().record), "receipt-election", [_hall_receipt()]


@case("forged-substituted-committee-own-e", "the substituted record checked with --election its own E "
                                            "(what a forger would print): valid; the E must come from the hall")
def _() -> Built:
    r = substituted().record
    return text_of(r), "valid", [], r["election"]


@case("election-given-upper-case", "the honest record with --election its E in upper case (compared as 32 bytes)")
def _() -> Built:
    r = honest()
    return text_of(r), "valid", [], r["election"].upper()


@case("receipt-in-record", "the honest record with a receipt of one of its ballots")
def _() -> Built:
    return text_of(honest()), "valid", [_hall_receipt()]


@case("receipt-bad-signature", "the honest record with a receipt of its E whose signature is wrong (z + 1): it "
                               "proves nothing, fails no check")
def _() -> Built:
    receipt = _hall_receipt()
    receipt["signature"]["z"] = encode_scalar((int.from_bytes(bytes.fromhex(receipt["signature"]["z"]), "little") + 1)
                                              % ORDER).hex()
    return text_of(honest()), "valid", [receipt]


@case("receipt-not-a-receipt", "the honest record with a receipt file that fails the receipt schema (an extra "
                               "key): it proves nothing, fails no check")
def _() -> Built:
    return text_of(honest()), "valid", [_hall_receipt() | {"extra": 1}]


@case("receipt-other-election-bad-signature", "the honest record with a receipt whose E is another (its "
                                              "signature meaningless under this R): receipt-election, not invalid")
def _() -> Built:
    receipt = _hall_receipt()
    receipt["election"] = flip(receipt["election"])
    return text_of(honest()), "receipt-election", [receipt]


@case("v3-issued-before-closing", "v3: a record in state open whose cards.issued is 7 (null until closed)")
def _() -> Built:
    r = honest()
    r.update(state="open", checkins=None, closing=None, tally=None, decryption=None)
    return text_of(r), "cards-issued"


def cases() -> Iterator[tuple[str, Json]]:
    verdicts = json.loads((HERE / "v2-verdicts.json").read_text(encoding="utf-8"))
    for name in sorted(CASES):
        description, build = CASES[name]
        made = build()
        v2 = verdicts.get(name)
        yield name, {
            "description": description,
            "expected": made[1],
            "independent": v2["independent"] if v2 else None,  # the outside verifier's verdict on the v2 case
            "v2_expected": v2["expected"] if v2 else None,
            "crashed_before": bool(v2 and v2["crashed_before"]),
            "receipts": made[2] if len(made) >= 3 else [],
            "election": made[3] if len(made) == 4 else None,  # given with --election
            "text": made[0].decode("latin-1"),
        }


if __name__ == "__main__":
    built = dict(cases())
    missing = sorted(set(json.loads((HERE / "v2-verdicts.json").read_text(encoding="utf-8"))) - set(built))
    assert not missing, missing
    (HERE / "cases.json.gz").write_bytes(gzip.compress(json.dumps(built, ensure_ascii=False, sort_keys=True)
                                                       .encode("utf-8"), mtime=0))
    print(f"{len(built)} cases")
