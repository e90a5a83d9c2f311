"""The browser's encryption (web-src/ballot.js, built from npm) against the Python test vectors, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "src" / "tinnhiem" / "web" / "static" / "build" / "tinnhiem.js"
VECTORS = ROOT / "tests" / "vectors" / "crypto-v1.json"

CHECK = """(v) => {
  const T = Tinnhiem;
  const key = T.baseMul(7n);
  const ct = T.encrypt(BigInt(v.encrypt.m), key, 11n);
  const proof = T.proveOneOf(ct, 11n, 2, T.manifestValues(v.manifest.json).map(T.baseMul), key,
                             T.rowContext(T.manifestHash(v.manifest.json), 0), T.counter(100));
  const { ballot } = T.encryptBallot(v.manifest.json, T.hex(key), [1, null], T.counter(200));
  return {
    G: T.hex(T.baseMul(1n)), twoG: T.hex(T.baseMul(2n)), sum: T.hex(T.add(T.baseMul(7n), T.baseMul(11n))),
    mul: T.hex(T.mul(13n, key)),
    hash: T.hex(T.encodeScalar(T.hashToScalar("test", "abc", 1))),
    manifest: T.hex(T.manifestHash(v.manifest.json)),
    alpha: T.hex(ct.alpha), beta: T.hex(ct.beta),
    c: proof.c.map((s) => T.hex(T.encodeScalar(s))), z: proof.z.map((s) => T.hex(T.encodeScalar(s))),
    code: ballot.code, rows: ballot.rows,
    share: T.decryptionShares(2, 9n, {manifest_hash: v.manifest.hash, rows: [{alpha: T.hex(ct.alpha)}]}, T.counter(400))[0],
  };
}"""


def test_browser_computes_the_same_bytes(browser: Browser) -> None:
    """Group operations, hashes, manifest hash, encryption, proof, ballot and code equal the vectors."""
    v = json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]
    page = browser.new_page()
    page.set_content("<!doctype html><title>vectors</title>")
    page.add_script_tag(path=str(BUNDLE))
    got = page.evaluate(CHECK, v)
    expected = {
        "G": v["group"]["G"], "twoG": v["group"]["2G"], "sum": v["group"]["7G+11G"], "mul": v["group"]["13*(7G)"],
        "hash": v["hash"]["hash_to_scalar('test', 'abc', 1)"], "manifest": v["manifest"]["hash"],
        "alpha": v["encrypt"]["alpha"], "beta": v["encrypt"]["beta"],
        "c": v["one_of_proof"]["c"], "z": v["one_of_proof"]["z"], "code": v["ballot"]["code"], "rows": v["ballot"]["rows"],
        "share": {"member": 2, "M": v["decryption_share"]["M"], "c": v["decryption_share"]["c"], "z": v["decryption_share"]["z"]},
    }
    assert expected == got
    page.close()
