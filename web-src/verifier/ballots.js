// One ballot's facts, as a worker finds them (docs/protocol.md §12, checks 2, 6/7 and 24–27, 29): whether every
// value reads (encoding), whether its stated code is its digest, the first of ballot-round, ballot-shape,
// ballot-signature (cast only) and ballot-proof that fails, and for a spoiled ballot whether it opens. The
// coordinator (verify.js) reports them in §12's order.
import { ballotDigest, hex, manifestValues, rowContext, unhex } from "../ballot.js";
import { ZERO, fixedBase, mulG, mulP, oneOfHolds, readPoint, readScalar, signatureHolds, ORDER } from "./group.js";

// What every ballot of one record is checked against.
export function ballotContext(record) {
  const values = manifestValues(record.manifest);
  const key = fixedBase(readPoint(record.joint_key) || ZERO);
  return {
    subjects: record.manifest.subjects.length,
    values,
    key,
    keyBytes: key.toBytes(),
    election: record.election === null ? "00".repeat(32) : record.election,
  };
}

function readRows(rows) {
  const out = [];
  for (const row of rows) {
    const alpha = readPoint(row.alpha), beta = readPoint(row.beta);
    const cs = row.c.map(readScalar), zs = row.z.map(readScalar);
    if (alpha === null || beta === null || cs.includes(null) || zs.includes(null)) return null;
    out.push({ alpha, beta, cs, zs, alphaBytes: unhex(row.alpha), betaBytes: unhex(row.beta) });
  }
  return out;
}

// The homomorphic tally's part of the ballots one thread checked (§8): for each subject j, the sums of the cast
// ballots' αⱼ and βⱼ, added from the points already decoded for the proofs, so that the coordinator only adds a few
// partial sums. `ok` turns false once a cast ballot does not read or lacks the round's rows: then the coordinator
// adds the rows itself (checks before the tally fail on such a record anyway).
export function rowSums(subjects) {
  return { ok: true, alpha: new Array(subjects).fill(ZERO), beta: new Array(subjects).fill(ZERO) };
}
function addRows(sums, rows) {
  if (rows === null || rows.length !== sums.alpha.length) { sums.ok = false; return; }
  rows.forEach((r, j) => { sums.alpha[j] = sums.alpha[j].add(r.alpha); sums.beta[j] = sums.beta[j].add(r.beta); });
}
// The sums as bytes (to leave a worker): [[α₀, β₀], …], or null when not `ok`.
export const sumsBytes = (sums) => (sums.ok ? sums.alpha.map((a, j) => [a.toBytes(), sums.beta[j].toBytes()]) : null);

// kind "cast": a ballot of `ballots`; "spoiled": an entry of `spoiled` ({ballot, values, nonces}). `sums` (cast
// ballots only, optional): rowSums to add this ballot's rows to.
export function ballotFacts(ctx, entry, kind, sums = null) {
  const b = kind === "cast" ? entry : entry.ballot;
  const facts = { encoding: true, code: true, fail: null, row: 0, opens: true };
  const rows = readRows(b.rows);
  let credential = null, sc = null, sz = null, nonces = null;
  if (kind === "cast") {
    credential = readPoint(b.credential);
    sc = readScalar(b.signature.c); sz = readScalar(b.signature.z);
    if (credential === null || sc === null || sz === null) facts.encoding = false;
  } else {
    nonces = entry.nonces.map(readScalar);
    if (nonces.includes(null)) facts.encoding = false;
  }
  if (rows === null) facts.encoding = false;
  if (sums !== null) {
    if (facts.encoding) addRows(sums, rows); else sums.ok = false;
  }
  if (!facts.encoding) return facts;
  facts.code = hex(ballotDigest(b.election, b.nonce, b.rows)) === b.code;
  const t = ctx.values.length;
  if (b.election !== ctx.election) facts.fail = "ballot-round";
  else if (b.rows.length !== ctx.subjects || b.nonce.length !== 64 || rows.some((r) => r.cs.length !== t || r.zs.length !== t)) facts.fail = "ballot-shape";
  else if (kind === "cast" && !signatureHolds(sc, sz, credential, "ballot-signature", unhex(b.code))) facts.fail = "ballot-signature";
  else {
    const E = unhex(b.election), N = unhex(b.nonce);
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j];
      if (!oneOfHolds(r.alpha, r.beta, r.cs, r.zs, ctx.values, ctx.key, ctx.keyBytes, rowContext(E, N, j),
                      r.alphaBytes, r.betaBytes)) {
        facts.fail = "ballot-proof"; facts.row = j + 1; break;
      }
    }
  }
  if (kind === "spoiled") facts.opens = opens(ctx, rows, entry.values, nonces);
  return facts;
}

// Benaloh challenge (§6.5): each row re-encrypts from its value v ∈ V and nonce 0 < r < ℓ.
function opens(ctx, rows, values, nonces) {
  if (values.length !== rows.length || nonces.length !== rows.length) return false;
  for (let j = 0; j < rows.length; j++) {
    const m = BigInt(values[j]), r = nonces[j];
    if (!ctx.values.includes(m) || !(r > 0n && r < ORDER)) return false;
    if (!mulG(r).equals(rows[j].alpha)) return false;
    if (!mulG(m).add(mulP(r, ctx.key)).equals(rows[j].beta)) return false;
  }
  return true;
}
