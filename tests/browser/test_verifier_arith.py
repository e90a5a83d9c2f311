"""The verifier's two arithmetic backends (web-src/verifier/arith.js) in Debian's Chromium: libsodium compiled to
WebAssembly (the one in use) held to @noble/curves (the reference) byte for byte on the vectors
(tests/vectors/crypto-v3.json), on every value of the vectors' record, and verdict for verdict on every outside
verifier record; libsodium's decoding, which ignores bit 255, still refuses it (§2.2). On the hall the CSP lets
the page compile the WASM ('wasm-unsafe-eval'); a page whose CSP refuses it falls back to noble with the same
verdicts.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.browser.conftest import Hall
from tinnhiem.web.routes_verify import offline_html

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "crypto-v3.json").read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = json.loads(gzip.decompress(
    (ROOT / "tests" / "data" / "outside-verifier" / "cases.json.gz").read_bytes()))
IDENTITY_HEX = "00" * 32
G_HEX = VECTORS["vectors"]["group"]["G"]


@pytest.fixture(scope="module")
def page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The saved verifier page (/verify/offline) opened from file://."""
    path = tmp_path_factory.mktemp("arith") / "tinnhiem-verify.html"
    path.write_text(offline_html("vi"), encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.evaluate("() => TinnhiemVerifier.ready()") == "sodium"
    yield page
    page.close()


OPS = """([name, vectors, points, high]) => {
  const V = TinnhiemVerifier, B = name === "noble" ? V.noble : V.sodiumBackend;
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const unhex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
  const L = BigInt(vectors.group.order);
  const G = B.mulG(1n), key = B.mulG(7n);
  const out = {
    G: hex(G.toBytes()), twoG: hex(B.mulG(2n).toBytes()), sum: hex(B.mulG(7n).add(B.mulG(11n)).toBytes()),
    mul: hex(B.mulP(13n, key).toBytes()), mulReduced: hex(B.mulP(L + 13n, key).toBytes()),
    mulFixed: hex(B.mulP(13n, B.fixedBase(key)).toBytes()), negative: hex(B.mulP(-1n, key).add(key).toBytes()),
    zero: hex(B.mulP(0n, key).toBytes()), order: hex(B.mulG(L).toBytes()), zeroG: hex(B.mulG(0n).toBytes()),
    ofIdentity: hex(B.mulP(5n, key.subtract(key)).toBytes()), selfSub: hex(key.subtract(key).toBytes()),
    identityDecodes: B.decode(new Uint8Array(32)), highBit: B.decode(unhex(high)),
    rows: [],
  };
  // Every 64-hex value of the vectors' record read as a point: refused, or k·P, P + k·G, P − G and the sum of all.
  let acc = B.ZERO, k = 0x9e3779b97f4a7c15f39cc0605cedc834n;
  for (const h of points) {
    const p = B.decode(unhex(h));
    if (p === null) { out.rows.push(null); continue; }
    k = (k * 6364136223846793005n + 1442695040888963407n) % L;
    out.rows.push([hex(p.toBytes()), hex(B.mulP(k, p).toBytes()), hex(p.add(B.mulG(k)).toBytes()),
                   hex(p.subtract(G).toBytes()), p.equals(G)]);
    acc = acc.add(p);
  }
  out.total = hex(acc.toBytes());
  return out;
}"""


def record_values() -> list[str]:
    text = json.dumps(VECTORS["record"])
    values: list[str] = []
    for part in text.split('"'):
        if len(part) == 64 and all(c in "0123456789abcdef" for c in part) and part not in values:
            values.append(part)
    return values


def test_libsodium_gives_noble_s_bytes_on_the_vectors(page: Page) -> None:
    """Fixed and variable base, sums, differences, ≥ ℓ, negative and zero scalars, the identity, and every value of
    the vectors' record (as a point, or refused by both): the same bytes from both backends, and the vectors'."""
    high = G_HEX[:62] + format(int(G_HEX[62:], 16) | 0x80, "02x")  # G with bit 255 set
    points = record_values()
    args = [VECTORS["vectors"], points, high]
    sodium, noble = (page.evaluate(OPS, [name, *args]) for name in ("sodium", "noble"))
    assert sodium == noble
    group = VECTORS["vectors"]["group"]
    assert {k: sodium[k] for k in ("G", "twoG", "sum", "mul", "mulReduced", "mulFixed")} == {
        "G": group["G"], "twoG": group["2G"], "sum": group["7G+11G"], "mul": group["13*(7G)"],
        "mulReduced": group["13*(7G)"], "mulFixed": group["13*(7G)"]}
    assert {sodium[k] for k in ("negative", "zero", "order", "zeroG", "ofIdentity", "selfSub")} == {IDENTITY_HEX}
    # Decoding never yields the identity (it is allowed only where the caller says so: group.readPoint) nor a
    # point whose encoding has bit 255 set.
    assert sodium["identityDecodes"] is None and sodium["highBit"] is None
    # 50 of the record's 149 values are points; the others (scalars, hashes, nonces) are refused by both alike.
    assert sum(row is not None for row in sodium["rows"]) == 50 and len(sodium["rows"]) == 149


def test_a_point_with_bit_255_set_is_refused_by_the_sodium_backend(page: Page) -> None:
    """libsodium masks bit 255 off when it decodes: alone, it would read G | 2²⁵⁵ as G. The record with such a
    point fails at `encoding`, as the command line says, on both backends (the verdicts test below)."""
    sodium = page.evaluate("""(h) => {
      const unhex = (x) => Uint8Array.from(x.match(/../g), (y) => parseInt(y, 16));
      return [TinnhiemVerifier.sodiumBackend.decode(unhex(h)) === null,
              TinnhiemVerifier.noble.decode(unhex(h)) === null];
    }""", G_HEX[:62] + format(int(G_HEX[62:], 16) | 0x80, "02x"))
    assert sodium == [True, True]
    assert CASES["enc-highbit-point"]["expected"] == "encoding"


VERDICTS = """async ([name, cases]) => {
  const V = TinnhiemVerifier, out = {};
  V.forceBackend(name);
  for (const c of cases) {
    const bytes = Uint8Array.from(atob(c.b64), (ch) => ch.charCodeAt(0));
    const receipts = [];  // a receipt failing its schema proves nothing (§12.6): left out, as the page does
    for (const r of c.receipts) {
      try { receipts.push(V.readReceipt(new TextEncoder().encode(JSON.stringify(r)))); } catch (e) { if (!(e instanceof V.Failed)) throw e; }
    }
    const result = await V.verifyRecordBytes(bytes, { receipts });  // on this thread, with the backend named
    out[c.name] = result.valid ? "valid" : result.check;
  }
  V.forceBackend(null);
  return out;
}"""


def test_both_backends_give_every_outside_record_its_verdict(page: Page) -> None:
    """All the outside verifier's records on the page's own thread, once with libsodium and once with noble: the
    same verdict and first failing check each time; on the records with tampered points, proofs and signatures
    (bit 255, non-canonical, the identity, a point moved by G…) those of `tinnhiem verify`."""
    cases = [{"name": n, "b64": base64.b64encode(c["text"].encode("latin-1")).decode(), "receipts": c["receipts"]}
             for n, c in sorted(CASES.items())]
    page.set_default_timeout(1_800_000)
    sodium = page.evaluate(VERDICTS, ["sodium", cases])
    assert sodium == page.evaluate(VERDICTS, ["noble", cases])
    # The page's own rules are held to the command line by test_verifier_page.py; the points' encodings here.
    points = [n for n in CASES if n.startswith(("enc-", "proof-", "pt-", "cp-", "sig-", "jk-"))]
    assert {n: sodium[n] for n in points} == {n: CASES[n]["expected"] for n in points}


def test_the_hall_s_csp_lets_the_page_compile_libsodium_and_a_stricter_one_falls_back(
        browser: Browser, hall: Hall) -> None:
    """From the hall (its CSP: script-src 'self' 'wasm-unsafe-eval') the page and its workers' code run on
    libsodium, with no CSP violation; served with script-src 'self' alone, WebAssembly is refused and the page
    checks with noble, the same verdict."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{hall.url}/verify")
    assert page.evaluate("() => TinnhiemVerifier.ready()") == "sodium"
    bytes_b64 = base64.b64encode(CASES["ok-base"]["text"].encode("latin-1")).decode()
    run = """async (b64) => {
      const V = TinnhiemVerifier, bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return (await V.verifyRecordBytes(bytes, { runBallots: V.poolRunner({ workers: 2 }) })).valid;
    }"""
    assert page.evaluate(run, bytes_b64) is True
    assert violations == []
    page.close()

    strict = browser.new_page()

    def without_wasm(route: Route) -> None:
        response = route.fetch()
        headers = dict(response.headers)
        headers["content-security-policy"] = headers["content-security-policy"].replace(" 'wasm-unsafe-eval'", "")
        route.fulfill(response=response, headers=headers)

    strict.route("**/verify", without_wasm)
    strict.goto(f"{hall.url}/verify")
    assert strict.evaluate("() => TinnhiemVerifier.ready()") == "noble"
    assert strict.evaluate(run, bytes_b64) is True
    strict.close()


def test_the_workers_give_the_sums_of_the_cast_rows_the_main_thread_adds(page: Page) -> None:
    """The Web Workers add the rows of the cast ballots they check (the homomorphic tally) and the coordinator adds
    their partial sums: the same points as every row added on the page's own thread, on a record with spoiled
    ballots; a record whose ballot does not read gives no sums (the coordinator then adds the rows itself)."""
    sums = """async (b64) => {
      const V = TinnhiemVerifier, bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const r = V.readRecord(bytes), hex = (p) => Array.from(p.toBytes(), (x) => x.toString(16).padStart(2, "0")).join("");
      const show = (s) => s && s.alpha.map((a, j) => [hex(a), hex(s.beta[j])]);
      const pooled = await V.poolRunner({ workers: 2 })(r), here = await V.runBallotsHere(r);
      const J = r.manifest.subjects.length;
      const tally = r.tally === null ? null : r.tally.rows.slice(0, J).map((ct) => [ct.alpha, ct.beta]);
      return { pooled: show(pooled.sums), here: show(here.sums), tally, spoiled: r.spoiled.length };
    }"""
    honest = page.evaluate(sums, base64.b64encode(CASES["ok-base"]["text"].encode("latin-1")).decode())
    assert honest["spoiled"] > 0 and honest["pooled"] is not None
    assert honest["pooled"] == honest["here"] == honest["tally"]
    broken = page.evaluate(sums, base64.b64encode(CASES["enc-identity-alpha"]["text"].encode("latin-1")).decode())
    assert broken["pooled"] is None and broken["here"] is None
