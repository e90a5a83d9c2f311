// The verifier of docs/protocol.md §12 in the browser: the same checks as `tinnhiem verify` (crypto/verify.py,
// services/verification.py, cli/verify.read_json), reported in the same order, the first failure named by the
// same check. The ballots (the bulk of the work) go to `runBallots`, which spreads them over Web Workers
// (pool.js) and gives back each ballot's facts in the record's order.
import { ballotListHash, cardListHash, closingMessage, electionHash, hashBytes, hex, manifestHash, manifestValues,
  unhex } from "../ballot.js";
import { ZERO, ORDER, equalLogsHold, knowledgeHolds, mod, mulG, mulP, readPoint, readScalar,
  signatureHolds, ready } from "./group.js";
import { BadText, JsonFloat, ReadFailed, holdsLoneSurrogate, readJson } from "./strict-json.js";
import { firstFault, schemaFaults } from "./schema.js";
import recordSchema from "../../docs/schema/record.schema.json";
import { ballotContext, ballotFacts, rowSums } from "./ballots.js";

// §12: every check, in the order the verifier runs them (crypto/verify.CHECKS).
export const CHECKS = [
  "format", "encoding", "bounds", "levels", "order", "tracking-code", "spoiled-code",
  "manifest-hash", "capacity", "threshold", "committee-members", "coefficient-proof", "joint-key",
  "election", "card-signatures",
  "cards-issued", "checkins", "ballot-credential", "credential-reuse", "cards-voided", "ballot-limit",
  "ballots-over-cards", "challenge-limit",
  "ballot-round", "ballot-shape", "ballot-signature", "ballot-proof",
  "duplicate", "spoiled-opening",
  "closing",
  "receipt-election", "receipt",
  "complete", "ballot-count",
  "tally-sum", "decryption-members", "decryption-quorum", "decryption-proof", "plaintext",
];
const CLOSED = ["closed", "tallied"];
const CHALLENGES_PER_CARD = 3;
export const CLOSING_EARLY = "hồ sơ có biên bản đóng bỏ phiếu khi việc bỏ phiếu chưa đóng";
export const CLOSING_MISSING = "hồ sơ đã đóng bỏ phiếu mà không có biên bản đóng hoặc số điểm danh";
export const CLOSING_COUNT = "số phiếu N hoặc mã băm danh sách phiếu B khác các phiếu trong hồ sơ";
export const ELECTION_RECOMPUTED = "E tính lại từ thông tin cuộc lấy phiếu, khóa, khóa biên nhận và danh sách thẻ khác E "
  + "ghi trong hồ sơ";
export const ELECTION_GIVEN = "E ghi trong hồ sơ khác E đã công bố (trên điện thoại, màn chiếu và biên bản) được đưa vào "
  + "để đối chiếu";
export const ELECTION_NULL = "hồ sơ chưa có E (null) mà đã có thẻ, chữ ký, phiếu hoặc không còn ở trạng thái ready";
export const CLOSING_SIGNATURES = "không đủ chữ ký hợp lệ của Ban kiểm phiếu trên biên bản (mọi chữ ký phải hợp lệ, "
  + "mỗi thành viên một lần, ít nhất k)";

export class Failed extends Error {
  constructor(check, params = {}) { super(check); this.check = check; this.params = params; }
}
const fail = (check, params) => { throw new Failed(check, params); };

// In-process ballots (tests, a worker-less browser): the same facts, one after the other, and the sums of the cast
// ballots' rows (null if one does not read).
export async function runBallotsHere(record, onDone = () => {}) {
  await ready();
  const ctx = ballotContext(record);
  const cast = [], spoiled = [], sums = rowSums(ctx.subjects);
  for (const b of record.ballots) { cast.push(ballotFacts(ctx, b, "cast", sums)); onDone(1); }
  for (const s of record.spoiled) { spoiled.push(ballotFacts(ctx, s, "spoiled")); onDone(1); }
  return { cast, spoiled, sums: sums.ok ? sums : null };
}

// The E the hall showed (phone, projector, minutes) as typed: 64 hex digits, either case, spaces and hyphens
// ignored, compared as 32 bytes (cli/verify.election_argument); its lower-case hex, or null if it is not one.
export function electionArgument(text) {
  const digits = String(text).replace(/\s/g, "").replace(/-/g, "");
  return /^[0-9a-fA-F]{64}$/.test(digits) ? digits.toLowerCase() : null;
}

// Read (check `format`), a lone surrogate anywhere (`format`), then the schema's faults (format, encoding,
// bounds, levels).
export function readRecord(bytes) {
  let data;
  try { data = readJson(bytes); } catch (e) {
    if (e instanceof ReadFailed) fail("format", { reason: e.message });
    throw e;
  }
  if (holdsLoneSurrogate(data)) fail("format", { reason: "record: a text holds a lone surrogate (not UTF-8)" });
  const fault = firstFault(schemaFaults(recordSchema, data));
  if (fault) fail(fault.check, fault);
  return data;
}

const pointOk = (text, allowIdentity = false) => readPoint(text, allowIdentity) !== null;
const scalarOk = (text) => readScalar(text) !== null;
const sigOk = (s) => scalarOk(s.c) && scalarOk(s.z);

// §12.1 after the schema: tally before its time, the level list, every value's encoding, the lists' order, the
// stated codes (crypto/record.from_json).
function checkReading(r, facts) {
  if (r.state !== "tallied" && (r.tally !== null || r.decryption !== null)) {
    fail("format", { reason: "tally and decryption: null until the state is tallied" });
  }
  const levels = r.manifest.levels.join(",");
  if (levels !== "cao,tin_nhiem,thap" && levels !== "tin_nhiem,khong_tin_nhiem") fail("levels", { levels: r.manifest.levels.join(", ") });
  const encoded = r.committee.commitments.every((c) => c.K.every((k) => pointOk(k)) && c.proofs.every(sigOk))
    && pointOk(r.receipt_key)
    && r.cards.list.every((c) => pointOk(c.credential)) && r.cards.signatures.every(sigOk)
    && (r.closing === null || r.closing.signatures.every(sigOk))
    && facts.cast.every((f) => f.encoding) && facts.spoiled.every((f) => f.encoding)
    && (r.tally === null || r.decryption === null || (
      r.tally.rows.every((ct) => pointOk(ct.alpha, true) && pointOk(ct.beta, true))
      && r.decryption.every((d) => d.shares.every((s) => pointOk(s.M, true) && sigOk(s)))))
    && pointOk(r.joint_key);
  if (!encoded) fail("encoding", { field: "" });
  const ascending = (keys) => keys.every((k, i) => i === 0 || keys[i - 1] < k);
  if (!ascending(r.cards.list.map((c) => c.credential))) fail("order", { field: "cards.list" });
  if (!ascending(r.cards.signatures.map((s) => s.member))) fail("order", { field: "cards.signatures" });
  if (r.closing !== null && !ascending(r.closing.signatures.map((s) => s.member))) fail("order", { field: "closing.signatures" });
  if (!ascending(r.ballots.map((b) => b.code))) fail("order", { field: "ballots" });
  if (!ascending(r.spoiled.map((s) => s.ballot.code))) fail("order", { field: "spoiled" });
  r.ballots.forEach((b, i) => { if (!facts.cast[i].code) fail("tracking-code", { ballot: b.code }); });
  r.spoiled.forEach((s, i) => { if (!facts.spoiled[i].code) fail("spoiled-code", { ballot: s.ballot.code }); });
}

const ceremonyContext = (mh, n, k, member, j) => hashBytes("ceremony", mh, n, k, member, j).slice(0, 32);

// Sℓ = Σᵢ Σⱼ ℓʲ·Kᵢⱼ.
function verificationKey(commitments, member) {
  let acc = ZERO;
  for (const c of commitments) c.K.forEach((k, j) => { acc = acc.add(mulP(BigInt(member) ** BigInt(j), readPoint(k))); });
  return acc;
}

function validSigners(r, tag, message, signatures) {
  const valid = new Set();
  for (const s of signatures) {
    if (s.member >= 1 && s.member <= r.committee.members && !valid.has(s.member)
        && signatureHolds(readScalar(s.c), readScalar(s.z), verificationKey(r.committee.commitments, s.member), tag, message)) {
      valid.add(s.member);
    }
  }
  return valid;
}

function checkCeremony(r) {
  const mh = manifestHash(r.manifest);
  if (hex(mh) !== r.manifest_hash) fail("manifest-hash");
  const values = manifestValues(r.manifest);
  if (BigInt(r.manifest.max_ballots) * values[values.length - 1] >= ORDER) fail("capacity");
  const { members: n, threshold: k, commitments } = r.committee;
  if (!(k >= 2 && k <= n)) fail("threshold", { threshold: k, members: n });
  const numbers = commitments.map((c) => c.member).sort((a, b) => a - b);
  if (numbers.length !== n || numbers.some((m, i) => m !== i + 1)) fail("committee-members");
  for (const c of commitments) {
    if (c.K.length !== k || c.proofs.length !== k) fail("coefficient-proof", { member: c.member });
    c.K.forEach((K, j) => {
      if (!knowledgeHolds(readScalar(c.proofs[j].c), readScalar(c.proofs[j].z), readPoint(K), ceremonyContext(mh, n, k, c.member, j))) {
        fail("coefficient-proof", { member: c.member });
      }
    });
  }
  const joint = commitments.reduce((acc, c) => acc.add(readPoint(c.K[0])), ZERO);
  if (hex(joint.toBytes()) !== r.joint_key) fail("joint-key");
}

// `expected`: the E the hall showed (lower-case hex, see electionArgument), or null.
function checkElection(r, expected = null) {
  if (r.election === null) {
    if (r.state !== "ready" || r.cards.list.length || r.cards.signatures.length || r.ballots.length || r.spoiled.length) {
      fail("election", { reason: ELECTION_NULL });
    }
    if (expected !== null) fail("election", { reason: ELECTION_GIVEN });
    return;
  }
  if (hex(electionHash(r)) !== r.election) fail("election", { reason: ELECTION_RECOMPUTED });
  if (expected !== null && r.election !== expected) fail("election", { reason: ELECTION_GIVEN });
  const valid = validSigners(r, "election-signature", unhex(r.election), r.cards.signatures);
  if (valid.size !== r.cards.signatures.length || valid.size < r.committee.threshold) {
    fail("card-signatures", { given: valid.size, needed: r.committee.threshold });
  }
}

function checkCards(r) {
  const listed = new Map(r.cards.list.map((c) => [c.credential, c.void]));
  const closed = CLOSED.includes(r.state);
  if ((r.cards.issued === null) === closed || (r.cards.issued || 0) > r.cards.list.length) {
    fail("cards-issued", { issued: r.cards.issued, cards: r.cards.list.length });
  }
  if (closed !== (r.checkins !== null) || (r.checkins !== null && r.checkins.electronic !== r.cards.issued)) {
    fail("checkins", { issued: r.cards.issued, electronic: r.checkins === null ? null : r.checkins.electronic });
  }
  const used = new Set();
  for (const b of r.ballots) {
    if (listed.get(b.credential) !== false) fail("ballot-credential", { ballot: b.code });
    if (used.has(b.credential)) fail("credential-reuse", { ballot: b.code });
    used.add(b.credential);
  }
  const live = [...listed].filter(([, v]) => !v).map(([c]) => c);
  if (closed && (live.length !== used.size || live.some((c) => !used.has(c)))) {
    fail("cards-voided", { cards: live.filter((c) => !used.has(c)).length });
  }
  const n = r.ballots.length;
  if (n > r.manifest.max_ballots) fail("ballot-limit", { ballots: n, max_ballots: r.manifest.max_ballots });
  if (r.cards.issued !== null && n > r.cards.issued) fail("ballots-over-cards", { ballots: n, issued: r.cards.issued });
  const limit = CHALLENGES_PER_CARD * r.cards.list.length;
  if (r.spoiled.length > limit) fail("challenge-limit", { spoiled: r.spoiled.length, limit });
}

function checkBallots(r, facts, subjects) {
  r.ballots.forEach((b, i) => {
    const f = facts.cast[i];
    if (f.fail) fail(f.fail, { ballot: b.code, row: f.row, rows: b.rows.length, expected: subjects });
  });
  r.spoiled.forEach((s, i) => {
    const f = facts.spoiled[i];
    if (f.fail) fail(f.fail, { ballot: s.ballot.code, row: f.row, rows: s.ballot.rows.length, expected: subjects });
  });
  const seen = new Set();
  for (const b of [...r.ballots, ...r.spoiled.map((s) => s.ballot)]) {
    for (const row of b.rows) {
      if (seen.has(row.alpha)) fail("duplicate", { ballot: b.code });
      seen.add(row.alpha);
    }
  }
  r.spoiled.forEach((s, i) => { if (!facts.spoiled[i].opens) fail("spoiled-opening", { ballot: s.ballot.code }); });
}

function checkClosing(r) {
  if (!CLOSED.includes(r.state)) {
    if (r.closing !== null) fail("closing", { reason: CLOSING_EARLY });
    return;
  }
  if (r.closing === null || r.checkins === null || r.election === null || r.cards.issued === null) fail("closing", { reason: CLOSING_MISSING });
  const B = ballotListHash(r.ballots.map((b) => b.code));
  if (r.closing.ballots !== r.ballots.length || r.closing.list_hash !== hex(B)) fail("closing", { reason: CLOSING_COUNT });
  const message = closingMessage(unhex(r.election), r.closing.ballots, r.cards.issued, r.checkins.paper, B);
  const valid = validSigners(r, "closing-signature", message, r.closing.signatures);
  if (valid.size !== r.closing.signatures.length || valid.size < r.committee.threshold) fail("closing", { reason: CLOSING_SIGNATURES });
}

// A receipt file (§6.6), read as `tinnhiem verify --receipt` reads it (services/verification.receipt_or_none):
// null if it is not JSON or fails the receipt schema (exact keys, format, E, code and signature 64 lower-case hex
// digits, the signature's scalars canonical, no lone surrogate): such a file proves nothing.
export function readReceipt(bytes) {
  let d;
  try { d = readJson(bytes); } catch (e) { if (e instanceof ReadFailed) return null; throw e; }
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof BadText) && !(v instanceof JsonFloat);
  const hex64 = (v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
  if (holdsLoneSurrogate(d) || !isObject(d) || Object.keys(d).sort().join(",") !== "code,election,format,signature"
      || d.format !== "tinnhiem-receipt/1" || !hex64(d.election) || !hex64(d.code)
      || !isObject(d.signature) || Object.keys(d.signature).sort().join(",") !== "c,z"
      || !hex64(d.signature.c) || !hex64(d.signature.z) || !scalarOk(d.signature.c) || !scalarOk(d.signature.z)) {
    return null;
  }
  return d;
}

// What one receipt says of the record (§12.6), in this order (crypto/verify.receipt_finding): "invalid" (not a
// receipt: null), "other-election" (its E is not the record's: check `receipt-election`), "invalid" (its
// signature does not verify under R: proves nothing), "in-record" or "missing" (check `receipt`). E and codes
// are lower-case hex on both sides (the schemas), so comparing the texts compares the 32 bytes.
export function receiptFinding(r, receipt) {
  if (receipt === null) return "invalid";
  if (r.election === null || receipt.election !== r.election) return "other-election";
  const R = readPoint(r.receipt_key);
  const signed = R !== null && signatureHolds(readScalar(receipt.signature.c), readScalar(receipt.signature.z), R, "receipt",
    new Uint8Array([...unhex(receipt.election), ...unhex(receipt.code)]));
  if (!signed) return "invalid";
  return r.ballots.some((b) => b.code === receipt.code) ? "in-record" : "missing";
}

// Receipt by receipt, in the order given: one of another election fails `receipt-election`, a valid one whose
// ballot the record lacks fails `receipt`. Returns each receipt's finding.
function checkReceipts(r, receipts) {
  return receipts.map((receipt) => {
    const finding = receiptFinding(r, receipt);
    if (finding === "other-election") {
      fail("receipt-election", { ballot: receipt.code, receipt: receipt.election, election: r.election === null ? "null" : r.election });
    }
    if (finding === "missing") fail("receipt", { ballot: receipt.code });
    return finding;
  });
}

// Each member's Lagrange weight at 0 for one set of decrypting members, computed once per set (memo).
function lagrangeWeights(members, memo) {
  const key = members.join(",");
  if (!memo.has(key)) memo.set(key, new Map(members.map((m) => [m, lagrange(m, members)])));
  return memo.get(key);
}
function lagrange(member, members) {
  let num = 1n, den = 1n;
  for (const o of members) {
    if (o !== member) { num = mod(num * BigInt(o)); den = mod(den * BigInt(o - member)); }
  }
  return mod(num * inverse(den));
}
function inverse(a) { // a^(ℓ−2) mod ℓ
  let result = 1n, base = mod(a), e = ORDER - 2n;
  while (e > 0n) { if (e & 1n) result = mod(result * base); base = mod(base * base); e >>= 1n; }
  return result;
}

// The encrypted sum of each subject's rows: from the ballot threads' partial sums when they gave them, else added
// here.
function encryptedSums(r, facts) {
  if (facts.sums) return facts.sums.alpha.map((alpha, j) => ({ alpha, beta: facts.sums.beta[j] }));
  return r.manifest.subjects.map((_, j) => r.ballots.reduce(
    (acc, b) => ({ alpha: acc.alpha.add(readPoint(b.rows[j].alpha)), beta: acc.beta.add(readPoint(b.rows[j].beta)) }),
    { alpha: ZERO, beta: ZERO }));
}

function checkTally(r, facts) {
  const n = r.ballots.length;
  if (r.state !== "tallied" || r.tally === null || r.decryption === null) fail("complete", { state: r.state });
  if (r.tally.ballots !== n) fail("ballot-count", { stated: r.tally.ballots, actual: n });
  const J = r.manifest.subjects.length;
  const sums = encryptedSums(r, facts);
  if (r.tally.rows.length !== J || r.decryption.length !== J) {
    fail("tally-sum", { row: Math.min(r.tally.rows.length, r.decryption.length, J) + 1 });
  }
  const values = manifestValues(r.manifest);
  const base = BigInt(r.manifest.max_ballots + 1), L = r.manifest.levels.length;
  const keys = new Map(), weights = new Map();
  let members = [];
  const counts = [], empty = [];
  for (let j = 0; j < J; j++) {
    const ct = { alpha: readPoint(r.tally.rows[j].alpha, true), beta: readPoint(r.tally.rows[j].beta, true) };
    if (!sums[j].alpha.equals(ct.alpha) || !sums[j].beta.equals(ct.beta)) fail("tally-sum", { row: j + 1 });
    const result = r.decryption[j];
    members = result.shares.map((s) => s.member);
    if (new Set(members).size !== members.length || !members.every((m) => m >= 1 && m <= r.committee.members)) {
      fail("decryption-members", { row: j + 1 });
    }
    if (members.length < r.committee.threshold) fail("decryption-quorum", { given: members.length, needed: r.committee.threshold });
    const context = (member) => hashBytes("decryption", unhex(r.manifest_hash), j, member).slice(0, 32);
    for (const s of result.shares) {
      if (!keys.has(s.member)) keys.set(s.member, verificationKey(r.committee.commitments, s.member));
      if (!equalLogsHold(readScalar(s.c), readScalar(s.z), ct.alpha, keys.get(s.member), readPoint(s.M, true), context(s.member))) {
        fail("decryption-proof", { member: s.member, row: j + 1 });
      }
    }
    const total = BigInt(result.total);
    let acc = ZERO;
    const lambda = lagrangeWeights(members, weights);
    for (const s of result.shares) acc = acc.add(mulP(lambda.get(s.member), readPoint(s.M, true)));
    if (total > BigInt(n) * values[values.length - 1] || !ct.beta.subtract(acc).equals(mulG(total))) fail("plaintext", { row: j + 1 });
    let rest = total;
    const digits = [];
    for (let i = 0; i < L; i++) { digits.push(Number(rest % base)); rest /= base; }
    const sum = digits.reduce((a, b) => a + b, 0);
    if (rest !== 0n || sum > n) fail("plaintext", { row: j + 1 });
    if (digits.length !== result.counts.length || digits.some((d, i) => d !== Number(result.counts[i])) || n - sum !== Number(result.empty)) {
      fail("plaintext", { row: j + 1 });
    }
    counts.push(digits); empty.push(n - sum);
  }
  return { members, counts, empty };
}

// Every check of §12 in order. Resolves {valid: true, …counts} or {valid: false, check, params}; `progress(step)`
// names each stage as it starts ("reading", "ballots", "committee", …). `receipts`: as readReceipt gives them
// (null: not a receipt); `election`: the E the hall showed, as typed (electionArgument), or null.
export async function verifyRecordBytes(bytes, { runBallots = runBallotsHere, receipts = [], election = null,
  progress = () => {} } = {}) {
  const expected = election === null ? null : electionArgument(election);
  if (election !== null && expected === null) throw new Error("E is 64 hex digits");
  try {
    await ready();  // the arithmetic backend (arith.js), before any point is read
    progress("reading");
    const r = readRecord(bytes);
    progress("ballots");
    const facts = await runBallots(r);
    progress("checks");
    checkReading(r, facts);
    checkCeremony(r);
    checkElection(r, expected);
    checkCards(r);
    checkBallots(r, facts, r.manifest.subjects.length);
    checkClosing(r);
    const findings = checkReceipts(r, receipts);
    progress("tally");
    const tally = checkTally(r, facts);
    return { valid: true, record: r, ballots: r.ballots.length, spoiled: r.spoiled.length, subjects: r.manifest.subjects,
             levels: r.manifest.levels, ...tally, receipts: findings, election: expected };
  } catch (e) {
    if (e instanceof Failed) return { valid: false, check: e.check, params: e.params };
    return { valid: false, check: "error", params: { reason: String(e && e.stack || e) } }; // a fault of this page
  }
}

export { cardListHash };
