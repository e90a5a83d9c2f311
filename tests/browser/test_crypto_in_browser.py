"""The browser's encryption (web-src/ballot.js, built from npm) against the Python side, byte for byte.

The vectors of tests/vectors/crypto-v3.json (protocol 3: E, ballot nonces, committee signatures, receipts,
the closing statement), then ballots and sign-ins made in Debian's Chromium with a random card and checked by
the Python verifier.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy
import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from tinnhiem.crypto.ballot import verify_cast_ballot
from tinnhiem.crypto.credentials import (
    CARD_ALPHABET,
    Signature,
    grouped,
    normalise_card,
    public_credential,
    verify_signature,
)
from tinnhiem.crypto.errors import InvalidEncoding, InvalidProof
from tinnhiem.crypto.group import base_mul, random_scalar, scalar
from tinnhiem.crypto.record import read_ballot, read_manifest, read_receipt

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "src" / "tinnhiem" / "web" / "static" / "build" / "tinnhiem.js"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "crypto-v3.json").read_text(encoding="utf-8"))["vectors"]
IDENTITY_HEX = "00" * 32


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    page.set_content("<!doctype html><title>vectors</title>")
    page.add_script_tag(path=str(BUNDLE))
    yield page
    page.close()


def random_card() -> str:
    return grouped("".join(secrets.choice(CARD_ALPHABET) for _ in range(20)))


GROUP = """(v) => {
  const T = Tinnhiem;
  const key = T.baseMul(7n);
  return {
    G: T.hex(T.baseMul(1n)), twoG: T.hex(T.baseMul(2n)), sum: T.hex(T.add(T.baseMul(7n), T.baseMul(11n))),
    mul: T.hex(T.mul(13n, key)), mulReduced: T.hex(T.mul(T.ORDER + 13n, key)),
    zero: T.hex(T.mul(0n, key)), order: T.hex(T.baseMul(T.ORDER)), ofIdentity: T.hex(T.mul(5n, T.sub(key, key))),
    hash: T.hex(T.encodeScalar(T.hashToScalar("test", "abc", 1))),
    hashBytes: T.hex(T.encodeScalar(T.hashToScalar("test", T.unhex("6162"), T.unhex("63")))),
    manifest: T.hex(T.manifestHash(v.manifest.json)),
  };
}"""


def test_group_hash_and_manifest(page: Page) -> None:
    """Points, the v3 hash domain and the manifest hash (with its election nonce); multiply by 0, by ≥ ℓ and of
    the identity."""
    v = VECTORS
    assert page.evaluate(GROUP, v) == {
        "G": v["group"]["G"], "twoG": v["group"]["2G"], "sum": v["group"]["7G+11G"],
        "mul": v["group"]["13*(7G)"], "mulReduced": v["group"]["13*(7G)"],
        "zero": IDENTITY_HEX, "order": IDENTITY_HEX, "ofIdentity": IDENTITY_HEX,
        "hash": v["hash"]["hash_to_scalar('test', 'abc', 1)"],
        "hashBytes": v["hash"]["hash_to_scalar('test', b'ab', b'c')"],
        "manifest": v["manifest"]["hash"],
    }


CARD = """(v) => {
  const T = Tinnhiem, card = v.card;
  const s = T.signingKey(card.round_id, card.text);
  const S = T.unhex(T.publicCredential(card.round_id, card.text));
  const sig = T.sign(s, S, card.signature_of_32_zero_bytes.tag, new Uint8Array(32), T.counter(500));
  return { s: T.hex(T.encodeScalar(s)), S: T.hex(S),
           signature: { c: T.hex(T.encodeScalar(sig.c)), z: T.hex(T.encodeScalar(sig.z)) } };
}"""


def test_card_key_credential_and_signature(page: Page) -> None:
    """The card's s and S, and a Schnorr signature with fixed nonces, equal the vectors."""
    card = VECTORS["card"]
    sig = card["signature_of_32_zero_bytes"]
    assert page.evaluate(CARD, VECTORS) == {"s": card["s"], "S": card["S"], "signature": {"c": sig["c"], "z": sig["z"]}}


NORMALISE = """(texts) => texts.map((t) => { try { return Tinnhiem.normaliseCard(t); } catch (e) { return "error:" + e.message; } })"""


def test_card_text_is_normalised_as_in_python(page: Page) -> None:
    """Typed, grouped, lower-case, scanned (the address with #card=) or wrong: the same answer as Python."""
    card = random_card()
    texts = [card, card.lower(), card.replace("-", " "), f"http://10.0.0.2:8000/r/ABC123/vao#card={card}",
             f"  {card.lower()}\t\n", card[:-1], card + "A", card.replace(card[0], "0"), card.replace(card[1], "I"),
             "K7QX-9MPA-2345-ABCD-EFG1", "", "#card=", "ĐK7QX-9MPA-2345-ABCD-EFGH", "K7QX_9MPA_2345_ABCD_EFGH"]

    def python(text: str) -> str:
        try:
            return normalise_card(text)
        except InvalidEncoding as error:
            return "error:" + error.code

    expected = [python(t) for t in texts]
    assert expected[:5] == [card.replace("-", "")] * 5 and expected[5:] == ["error:bad-card"] * (len(texts) - 5)
    assert page.evaluate(NORMALISE, texts) == expected


PROOF = """(v) => {
  const T = Tinnhiem;
  const key = T.baseMul(7n);
  const ct = T.encrypt(BigInt(v.encrypt.m), key, 11n);
  const context = T.rowContext(T.unhex(v.election.E), T.unhex(v.ballot.nonce), 0);
  const proof = T.proveOneOf(ct, 11n, 2, T.manifestValues(v.manifest.json).map(T.baseMul), key, context, T.counter(100));
  return { context: T.hex(context), alpha: T.hex(ct.alpha), beta: T.hex(ct.beta),
           c: proof.c.map((s) => T.hex(T.encodeScalar(s))), z: proof.z.map((s) => T.hex(T.encodeScalar(s))) };
}"""


def test_encryption_and_one_of_proof(page: Page) -> None:
    """ElGamal with r = 11 and the one-of proof bound to E ‖ N ‖ row equal the vectors."""
    v = VECTORS
    assert page.evaluate(PROOF, v) == {"context": v["ballot"]["row_context_0"], "alpha": v["encrypt"]["alpha"],
                                       "beta": v["encrypt"]["beta"], "c": v["one_of_proof"]["c"],
                                       "z": v["one_of_proof"]["z"]}


BALLOT = """(v) => {
  const T = Tinnhiem;
  const rng = T.counter(v.ballot.nonces_from);
  const { ballot, secrets, shortCode } = T.encryptBallot(v.manifest.json, v.election.E, T.hex(T.baseMul(7n)),
                                                         v.ballot.choices, rng, T.unhex(v.ballot.nonce));
  const cast = T.signBallot(ballot, v.card.round_id, v.card.text, rng);
  return { ballot, cast, shortCode, again: T.shortCode(ballot.code), secrets };
}"""


def test_whole_ballot_json_and_short_code(page: Page) -> None:
    """The ballot (no card) as a spoiled ballot posts it, then the cast ballot (card and signature) and its
    short code equal the vectors."""
    v = VECTORS
    got = page.evaluate(BALLOT, v)
    assert got["ballot"] == v["ballot"]["spoiled_json"]["ballot"]
    assert got["cast"] == v["ballot"]["json"]
    assert got["shortCode"] == got["again"] == v["ballot"]["short_code"]
    assert {"ballot": got["ballot"]} | got["secrets"] == v["ballot"]["spoiled_json"]


ELECTION = """(v) => {
  const T = Tinnhiem, e = v.election, c = v.committee;
  const commitments = [1, 2, 3].map((m) => ({ member: m, K: c.K[String(m)] }));
  const record = { manifest: v.manifest.json, committee: { members: 3, threshold: 2, commitments },
                   joint_key: e.joint_key, receipt_key: e.receipt_key,
                   cards: { list: e.credentials_sorted.slice().reverse().map((s) => ({ credential: s })) } };
  const E = T.electionHash(record);
  const s1 = T.scalarFromHex(c.secrets["1"]), s2 = T.scalarFromHex(c.secrets["2"]);
  const election = T.signClosing(1, s1, E, T.counter(e.signature_nonces_from), "election-signature");
  const m = T.closingMessage(E, v.closing.ballots, v.closing.issued, v.closing.paper, T.unhex(v.closing.list_hash));
  const closing = T.signClosing(2, s2, m, T.counter(v.closing.signature_nonces_from));
  const signIn = T.signIn(v.manifest.json, T.hex(E), v.card.text, v.sign_in.nonce, T.counter(v.sign_in.nonces_from));
  const receipt = v.receipt.json;
  const receiptMessage = T.unhex(receipt.election + receipt.code);
  return {
    cardListHash: T.hex(T.cardListHash(e.credentials_sorted.slice().reverse())), E: T.hex(E),
    listHash: T.hex(T.ballotListHash([v.ballot.json.code])), message: T.hex(m),
    keys: [1, 2, 3].map((m) => T.hex(T.verificationKey(commitments, m))),
    election: { member: election.member, ...election.signature }, closing: { member: closing.member, ...closing.signature },
    signIn: signIn.signature,
    receipt: T.verifySignature(receipt.signature, T.unhex(e.receipt_key), "receipt", receiptMessage),
    forged: T.verifySignature(receipt.signature, T.unhex(e.receipt_key), "receipt", T.unhex(receipt.code + receipt.election)),
  };
}"""


def test_election_identity_signatures_closing_and_receipt(page: Page) -> None:
    """E over the committee's keys, K, R and the card list (in any order given); member 1's signature over E;
    Sℓ from the commitments; B and the closing statement with member 2's signature; the sign-in over E ‖ nonce;
    the server's receipt verified under R (and not over the parts swapped): every byte as in Python."""
    v = VECTORS
    got = page.evaluate(ELECTION, v)
    assert got == {
        "cardListHash": v["election"]["card_list_hash"], "E": v["election"]["E"],
        "listHash": v["closing"]["list_hash"], "message": v["closing"]["message"],
        "keys": [v["committee"]["verification_keys"][m] for m in ("1", "2", "3")],
        "election": v["election"]["signature_member_1"], "closing": v["closing"]["signature_member_2"],
        "signIn": v["sign_in"]["signature"], "receipt": True, "forged": False,
    }


SHARE = """(v) => {
  const T = Tinnhiem;
  const ct = T.encrypt(BigInt(v.encrypt.m), T.baseMul(7n), 11n);
  return T.decryptionShares(2, 9n, { manifest_hash: v.manifest.hash, rows: [{ alpha: T.hex(ct.alpha) }] }, T.counter(400))[0];
}"""


def test_decryption_share(page: Page) -> None:
    d = VECTORS["decryption_share"]
    assert page.evaluate(SHARE, VECTORS) == {"member": 2, "M": d["M"], "c": d["c"], "z": d["z"]}


CEREMONY = """(v) => {
  const T = Tinnhiem;
  const drawn = [5n, 6n];
  const next = T.counter(v.ceremony.nonces_from), rest = T.counter(900);
  let calls = 0;
  const rng = () => (calls++ < 2 ? drawn[calls - 1] : calls <= 4 ? next() : rest());
  const devices = { "2": 21n, "3": 31n };
  const state = { members: [1, 2, 3], threshold: 2, manifest_hash: v.manifest.hash,
                  devices: { "2": T.hex(T.baseMul(21n)), "3": T.hex(T.baseMul(31n)) } };
  const { deal, own } = T.makeDeal(state, 1, rng);
  const received = T.receiveShares({ manifest_hash: v.manifest.hash, sealed: { "1": deal.shares["3"] },
                                     deals: { "1": deal } }, 3, devices["3"], 0n);
  let refused = "";
  try {
    T.receiveShares({ manifest_hash: v.manifest.hash, sealed: { "1": deal.shares["2"] }, deals: { "1": deal } },
                    3, devices["3"], 0n);
  } catch (e) { refused = e.message; }
  return { K: deal.K, proofs: deal.proofs, own: T.hex(T.encodeScalar(own)),
           share3: T.hex(T.encodeScalar(received.share)), refused };
}"""


def test_ceremony_deal_and_receive(page: Page) -> None:
    """A member's commitments and proofs equal the vectors; member 3 opens and checks its share P₁(3)."""
    c = VECTORS["ceremony"]
    got = page.evaluate(CEREMONY, VECTORS)
    assert got["K"] == c["K"] and got["proofs"] == c["proofs"]
    assert got["own"] == f"{5 + 6:02x}".ljust(64, "0")
    assert got["share3"] == c["share_for_3"]
    assert got["refused"]  # a share sealed to member 2 does not open for member 3


RANDOM_BALLOT = """([manifest, election, key, choices, card]) => {
  const { ballot, shortCode } = Tinnhiem.encryptBallot(manifest, election, key, choices);
  return { ballot: Tinnhiem.signBallot(ballot, manifest.round_id, card), shortCode };
}"""


def test_ballot_from_a_random_card_passes_the_python_verifier(page: Page) -> None:
    """Encrypted in the browser with the CSPRNG (its own nonce N): read_ballot and verify_cast_ballot accept
    it; another ballot's signature fails."""
    manifest_json = VECTORS["manifest"]["json"]
    manifest = read_manifest(manifest_json)
    key, election = base_mul(random_scalar()), secrets.token_bytes(32)
    card = random_card()
    got = page.evaluate(RANDOM_BALLOT, [manifest_json, election.hex(), key.hex(), [2, None], card])
    ballot = read_ballot(got["ballot"])
    verify_cast_ballot(manifest, election, key, ballot)
    assert ballot.credential == public_credential(manifest.round_id, card)
    assert got["shortCode"] == ballot.short_code
    other = page.evaluate(RANDOM_BALLOT, [manifest_json, election.hex(), key.hex(), [2, None], card])["ballot"]
    assert other["nonce"] != got["ballot"]["nonce"]
    forged = dict(got["ballot"], signature=other["signature"])
    with pytest.raises(InvalidProof) as refused:
        verify_cast_ballot(manifest, election, key, read_ballot(forged))
    assert refused.value.code == "ballot-signature"


SIGN_IN = """([manifest, election, card, nonce]) => Tinnhiem.signIn(manifest, election, card, nonce)"""


def test_sign_in_signature_passes_the_python_check(page: Page) -> None:
    """signIn signs E ‖ nonce with tag "sign-in"; another nonce, election or tag does not verify."""
    manifest_json = VECTORS["manifest"]["json"]
    manifest = read_manifest(manifest_json)
    card, nonce, election = random_card(), secrets.token_bytes(16), secrets.token_bytes(32)
    got: dict[str, Any] = page.evaluate(SIGN_IN, [manifest_json, election.hex(), card.lower(), nonce.hex()])
    credential = public_credential(manifest.round_id, card)
    assert got["credential"] == credential.hex()
    signature = Signature(scalar(bytes.fromhex(got["signature"]["c"])), scalar(bytes.fromhex(got["signature"]["z"])))
    assert verify_signature(signature, credential, "sign-in", election + nonce)
    assert not verify_signature(signature, credential, "sign-in", election + secrets.token_bytes(16))
    assert not verify_signature(signature, credential, "sign-in", manifest.hash + nonce)
    assert not verify_signature(signature, credential, "ballot-signature", election + nonce)
    with pytest.raises(PlaywrightError, match="bad-card"):
        page.evaluate(SIGN_IN, [manifest_json, election.hex(), card[:-2], nonce.hex()])
    assert read_receipt(VECTORS["receipt"]["json"]).code == VECTORS["ballot"]["json"]["code"]


def test_receipt_qr_code_is_a_self_contained_svg(browser: Browser, page: Page) -> None:
    """qrSvg gives an <svg> with no external resource that, drawn by Chromium, OpenCV reads back as the code."""
    code = VECTORS["ballot"]["json"]["code"]
    svg = page.evaluate("(t) => Tinnhiem.qrSvg(t)", code)
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "href" not in svg and "url(" not in svg and "<script" not in svg
    shown = browser.new_page(viewport={"width": 400, "height": 400})
    shown.set_content(f"<!doctype html><body style='margin:0;background:#000'><div style='width:300px'>{svg}</div>")
    png = shown.locator("svg").screenshot()
    shown.close()
    image = cv2.imdecode(numpy.frombuffer(png, numpy.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert text == code  # on a black page too: the SVG draws its own white quiet zone
    assert 'aria-hidden="true"' in svg
    named = page.evaluate("([t, l]) => Tinnhiem.qrSvg(t, l)", [code, 'Mã "phiếu" <b>'])
    assert 'role="img" aria-label="Mã &#34;phiếu&#34; &#60;b&#62;"' in named
