// The browser side of docs/protocol.md (version 3): the same bytes as src/tinnhiem/crypto (checked against
// tests/vectors/crypto-v3.json in a real browser). Symbols follow the protocol's names.
import { ristretto255 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import encodeQR from "qr";

const Point = ristretto255.Point;
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n; // ℓ (§2.1)
const DOMAIN = new TextEncoder().encode("tinnhiem/v3/");
const IDENTITY_HEX = "00".repeat(32);

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
export const unhex = (text) => Uint8Array.from(text.match(/../g) || [], (h) => parseInt(h, 16));
const mod = (a) => ((a % ORDER) + ORDER) % ORDER;

// Scalars: 32 bytes little-endian (§2.2).
export function encodeScalar(s) {
  const out = new Uint8Array(32);
  let v = mod(s);
  for (let i = 0; i < 32; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
function leToBigint(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

// Points as 32-byte encodings, the identity as 32 zero bytes (§2.2).
const decode = (bytes) => (hex(bytes) === IDENTITY_HEX ? Point.ZERO : Point.fromBytes(bytes));
const encode = (p) => p.toBytes();
// Scalars may be secret (nonces, card keys, shares, device keys): noble's constant-time multiply,
// which refuses 0 and values ≥ ℓ, hence mod() and the identity for 0. mulPublic is for public scalars only.
export const baseMul = (s) => (mod(s) === 0n ? Point.ZERO.toBytes() : Point.BASE.multiply(mod(s)).toBytes());
export const mul = (s, p) => (mod(s) === 0n ? Point.ZERO.toBytes() : decode(p).multiply(mod(s)).toBytes());
const mulPublic = (s, p) => (mod(s) === 0n ? Point.ZERO.toBytes() : decode(p).multiplyUnsafe(mod(s)).toBytes());
const baseMulPublic = (s) => (mod(s) === 0n ? Point.ZERO.toBytes() : Point.BASE.multiplyUnsafe(mod(s)).toBytes());
export const add = (p, q) => encode(decode(p).add(decode(q)));
export const sub = (p, q) => encode(decode(p).subtract(decode(q)));

// H(tag, parts…) (§2.3): SHA-512 over DOMAIN ‖ F(tag) ‖ F(part)…, F(x) = len(x) as 4 bytes BE ‖ x.
function frame(part) {
  let bytes = part;
  if (typeof part === "string") bytes = new TextEncoder().encode(part);
  else if (typeof part === "number" || typeof part === "bigint") {
    bytes = new Uint8Array(8);
    let v = BigInt(part);
    for (let i = 7; i >= 0; i--) { bytes[i] = Number(v & 0xffn); v >>= 8n; }
  }
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}
export function hashBytes(tag, ...parts) {
  const chunks = [DOMAIN, frame(tag), ...parts.map(frame)];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return sha512(all);
}
export const hashToScalar = (tag, ...parts) => mod(leToBigint(hashBytes(tag, ...parts)));

// The manifest (§5): canonical JSON (sorted keys, no spaces, raw UTF-8), its hash, its values.
function canonical(value) {
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  if (value && typeof value === "object") {
    return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }
  return JSON.stringify(value);
}
export function manifestHash(manifest) {
  return hashBytes("manifest", canonical(manifest)).slice(0, 32);
}
export function manifestValues(manifest) {
  const base = BigInt(manifest.max_ballots + 1);
  return [0n, ...manifest.levels.map((_, i) => base ** BigInt(i))];
}

// Exponential ElGamal (§3).
export function encrypt(m, key, r) {
  return { alpha: baseMul(r), beta: add(baseMul(m), mul(r, key)) };
}

// The one-of proof (§4.3), nonces drawn in the Python order: w, then (cᵢ, zᵢ) for i ≠ index.
export function proveOneOf(ct, r, index, valuePoints, key, context, rng) {
  const t = valuePoints.length;
  const c = new Array(t).fill(0n);
  const z = new Array(t).fill(0n);
  const commitments = [];
  const w = rng();
  for (let i = 0; i < t; i++) {
    if (i === index) { commitments.push(baseMul(w), mul(w, key)); continue; }
    c[i] = rng(); z[i] = rng();
    commitments.push(sub(baseMul(z[i]), mul(c[i], ct.alpha)), sub(mul(z[i], key), mul(c[i], sub(ct.beta, valuePoints[i]))));
  }
  const challenge = hashToScalar("one-of", context, key, ct.alpha, ct.beta, ...commitments);
  c[index] = mod(challenge - c.reduce((a, b) => a + b, 0n));
  z[index] = mod(w + c[index] * r);
  return { c, z };
}

// Row context: E ‖ N ‖ row as 4 bytes big-endian (68 bytes).
export function rowContext(election, nonce, row) {
  const out = new Uint8Array(68);
  out.set(election, 0);
  out.set(nonce, 32);
  new DataView(out.buffer).setUint32(64, row);
  return out;
}

const concat = (...arrays) => {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a, at); at += a.length; }
  return out;
};

// ---- Voting cards (§6.2, crypto/credentials.py): secret text → s = H("credential", round, text), S = s·G.
const CARD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I
const CARD_SYMBOLS = 20;

// The card's secret as typed or scanned (the sign-in address with "#card=…" too); throws "bad-card".
export function normaliseCard(text) {
  const tail = String(text).split("#card=").pop();
  const cleaned = Array.from(tail.toUpperCase()).filter((ch) => !" -\t\r\n".includes(ch)).join("");
  if (cleaned.length !== CARD_SYMBOLS || Array.from(cleaned).some((ch) => !CARD_ALPHABET.includes(ch))) {
    throw new Error("bad-card");
  }
  return cleaned;
}
export const signingKey = (roundId, text) => hashToScalar("credential", roundId, normaliseCard(text)) || 1n;
export const publicCredential = (roundId, text) => hex(baseMul(signingKey(roundId, text)));

// Schnorr signature by s (§6.2): w ← rng, A = w·G, c = H(tag, S, message, A), z = w + c·s.
export function sign(s, S, tag, message, rng = randomScalar) {
  const credential = typeof S === "string" ? unhex(S) : S;
  const w = rng();
  const c = hashToScalar(tag, credential, message, baseMul(w));
  return { c, z: mod(w + c * s) };
}
const signatureJson = (sig) => ({ c: hex(encodeScalar(sig.c)), z: hex(encodeScalar(sig.z)) });

// Sign in with a card: a signature on E ‖ the server's nonce (16 bytes), tag "sign-in".
export function signIn(manifest, electionHex, cardText, nonceHex, rng = randomScalar) {
  const s = signingKey(manifest.round_id, cardText);
  const S = baseMul(s);
  const signature = sign(s, S, "sign-in", concat(unhex(electionHex), unhex(nonceHex)), rng);
  return { credential: hex(S), signature: signatureJson(signature) };
}

// A Schnorr signature's check: A' = z·G − c·S; valid iff c = H(tag, S, message, A').
export function verifySignature(sig, publicKey, tag, message) {
  const c = typeof sig.c === "string" ? leToBigint(unhex(sig.c)) : sig.c;
  const z = typeof sig.z === "string" ? leToBigint(unhex(sig.z)) : sig.z;
  if (c >= ORDER || z >= ORDER) return false;
  const commitment = sub(baseMulPublic(z), mulPublic(c, publicKey));
  return c === hashToScalar(tag, publicKey, message, commitment);
}

// ---- Tracking codes (§6.4): the full code is the digest in hex; the short one base32 of 10 bytes.
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(bytes) {
  let bits = 0, value = 0, out = "";
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
// digest = first 32 bytes of H("ballot", E, N, α, β, c…, z… per row), rows as posted (hex). No card.
export function ballotDigest(electionHex, nonceHex, rows) {
  const parts = [unhex(electionHex), unhex(nonceHex)];
  for (const row of rows) parts.push(unhex(row.alpha), unhex(row.beta), ...row.c.map(unhex), ...row.z.map(unhex));
  return hashBytes("ballot", ...parts).slice(0, 32);
}
export function shortCode(fullHex) {
  const text = base32(unhex(fullHex).slice(0, 10));
  return [0, 4, 8, 12].map((i) => text.slice(i, i + 4)).join("-");
}

// A uniform nonzero scalar from the browser's CSPRNG (crypto.getRandomValues), 64 bytes reduced.
export function randomScalar() {
  const bytes = new Uint8Array(64);
  crypto.getRandomValues(bytes);
  return 1n + (leToBigint(bytes) % (ORDER - 1n));
}

// Encrypt a whole ballot: choices[j] is a level index or null for an empty row. The ballot names no card:
// it is bound to the election E and to its own fresh nonce N (32 bytes from the CSPRNG unless given).
// Scalars in the Python order: per row r, then the proof's w, (cᵢ, zᵢ)….
export function encryptBallot(manifest, electionHex, keyHex, choices, rng = randomScalar, nonce = null) {
  if (choices.length !== manifest.subjects.length) throw new Error("one choice per subject");
  const key = unhex(keyHex);
  const E = unhex(electionHex);
  const N = nonce || crypto.getRandomValues(new Uint8Array(32));
  const values = manifestValues(manifest);
  const valuePoints = values.map(baseMul);
  const rows = [];
  const secrets = { values: [], nonces: [] };
  choices.forEach((choice, j) => {
    const index = choice === null ? 0 : 1 + choice;
    if (!Number.isInteger(index) || index < 0 || index >= values.length) throw new Error(`choice ${choice} out of range for row ${j}`);
    const r = rng();
    const ct = encrypt(values[index], key, r);
    const proof = proveOneOf(ct, r, index, valuePoints, key, rowContext(E, N, j), rng);
    rows.push({ alpha: hex(ct.alpha), beta: hex(ct.beta), c: proof.c.map((x) => hex(encodeScalar(x))),
                z: proof.z.map((x) => hex(encodeScalar(x))) });
    secrets.values.push(Number(values[index]));
    secrets.nonces.push(hex(encodeScalar(r)));
  });
  const code = hex(ballotDigest(electionHex, hex(N), rows));
  const ballot = { code, election: electionHex, nonce: hex(N), rows };
  return { ballot, secrets, shortCode: shortCode(code) };
}

// The card signs the ballot's digest (tag "ballot-signature"): the ballot as cast.
export function signBallot(ballot, roundId, cardText, rng = randomScalar) {
  const s = signingKey(roundId, cardText);
  const S = baseMul(s);
  const signature = sign(s, S, "ballot-signature", unhex(ballot.code), rng);
  return { code: ballot.code, credential: hex(S), election: ballot.election, nonce: ballot.nonce, rows: ballot.rows,
           signature: signatureJson(signature) };
}

// The receipt's QR code as a self-contained SVG (dark modules on a white square, quiet zone included),
// sized by its container. With a label it is an image of that name; without, hidden from screen readers
// (the page shows the code as text beside it).
const escapeXml = (t) => String(t).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
export function qrSvg(text, label = "") {
  const svg = encodeQR(String(text), "svg", { ecc: "medium", border: 4 });
  const named = label ? `role="img" aria-label="${escapeXml(label)}"` : 'aria-hidden="true"';
  return svg.replace(/^<svg ([^>]*)>/, `<svg $1 shape-rendering="crispEdges" ${named}><rect width="100%" height="100%" fill="#fff"/>`);
}

// Fixed nonces start, start+1, … as in tinnhiem.testing.vectors.counter (test vectors only).
export function counter(start) {
  let next = BigInt(start);
  return () => mod(next++);
}

// ---- The committee member's device (docs/protocol.md §8–§9): open the key file, decrypt my share.
import { argon2id } from "@noble/hashes/argon2.js";
import { secretbox } from "@noble/ciphers/salsa.js";

// Open a member file written by services/keyfiles.lock: Argon2id (libsodium's pwhash) + SecretBox.
export function openKeyFile(text, passphrase) {
  const file = JSON.parse(text);
  if (file.format !== "tinnhiem-member-key/1") throw new Error("format");
  const key = argon2id(new TextEncoder().encode(passphrase), unhex(file.salt),
                       { t: file.opslimit, m: file.memlimit / 1024, p: 1, dkLen: 32 });
  const box = unhex(file.box);
  const inner = JSON.parse(new TextDecoder().decode(secretbox(key, box.slice(0, 24)).open(box.slice(24))));
  return { roundId: inner.round_id, member: inner.member, share: leToBigint(unhex(inner.share)) };
}

// Chaum–Pedersen (§4.2) as crypto/proofs.prove_equal_logs: log_G X = log_A Y = x.
export function proveEqualLogs(x, base, publicKey, image, context, rng) {
  const w = rng();
  const c = hashToScalar("chaum-pedersen", context, publicKey, base, image, baseMul(w), mul(w, base));
  return { c, z: mod(w + c * x) };
}

// Member ℓ's share of every subject's tally (§9): Mℓ,j = sℓ·A_j with its proof.
export function decryptionShares(member, share, tally, rng = randomScalar) {
  const publicKey = baseMul(share);
  return tally.rows.map((row, j) => {
    const alpha = unhex(row.alpha);
    const partial = mul(share, alpha);
    const context = hashBytes("decryption", unhex(tally.manifest_hash), j, member).slice(0, 32);
    const proof = proveEqualLogs(share, alpha, publicKey, partial, context, rng);
    return { member, M: hex(partial), c: hex(encodeScalar(proof.c)), z: hex(encodeScalar(proof.z)) };
  });
}

// ---- The key ceremony on a member's own device (docs/protocol.md §8; services/key_ceremony.py).

// Schnorr (§4.1) as crypto/proofs.prove_knowledge.
export function proveKnowledge(x, publicKey, context, rng) {
  const w = rng();
  const c = hashToScalar("schnorr", context, publicKey, baseMul(w));
  return { c, z: mod(w + c * x) };
}

const ceremonyContext = (mh, n, k, member, j) => hashBytes("ceremony", mh, n, k, member, j).slice(0, 32);
const shareKey = (mh, E, shared, dealer, recipient) => hashBytes("share-box", mh, E, shared, dealer, recipient).slice(0, 32);
const ZERO_NONCE = new Uint8Array(24); // each box key is used once (a fresh e per share)
const evaluate = (coefficients, at) => coefficients.reduce((acc, a, j) => mod(acc + a * (BigInt(at) ** BigInt(j))), 0n);

// Deal: commitments Kⱼ = aⱼ·G with proofs, and Pᵢ(ℓ) sealed to every other member's device key D_ℓ.
export function makeDeal(state, member, rng = randomScalar) {
  const n = state.members.length, k = state.threshold, mh = unhex(state.manifest_hash);
  const coefficients = Array.from({ length: k }, () => rng());
  const K = coefficients.map((a) => baseMul(a));
  const proofs = coefficients.map((a, j) => {
    const p = proveKnowledge(a, K[j], ceremonyContext(mh, n, k, member, j), rng);
    return { c: hex(encodeScalar(p.c)), z: hex(encodeScalar(p.z)) };
  });
  const shares = {};
  for (let l = 1; l <= n; l++) {
    if (l === member) continue;
    const e = rng();
    const E = baseMul(e);
    const key = shareKey(mh, E, mul(e, unhex(state.devices[String(l)])), member, l);
    shares[String(l)] = { E: hex(E), box: hex(secretbox(key, ZERO_NONCE).seal(encodeScalar(evaluate(coefficients, l)))) };
  }
  return { deal: { K: K.map(hex), proofs, shares }, own: evaluate(coefficients, member) };
}

// Receive: open each share sealed to me, check it against its dealer's commitments, add them up.
export function receiveShares(state, member, deviceKey, own) {
  const mh = unhex(state.manifest_hash);
  let s = own;
  for (const [dealer, sealed] of Object.entries(state.sealed)) {
    const E = unhex(sealed.E);
    const key = shareKey(mh, E, mul(deviceKey, E), Number(dealer), member);
    const share = leToBigint(secretbox(key, ZERO_NONCE).open(unhex(sealed.box)));
    const K = state.deals[dealer].K.map(unhex);
    const image = K.reduce((acc, Kj, j) => add(acc, mulPublic(BigInt(member) ** BigInt(j), Kj)), Point.ZERO.toBytes());
    if (hex(baseMul(share)) !== hex(image)) throw new Error(`share from member ${dealer} does not match`);
    s = mod(s + share);
  }
  return { share: s, verificationKey: hex(baseMul(s)) };
}

// The member's file, as services/keyfiles.lock writes it (Argon2id "interactive" + SecretBox).
export function lockKeyFile(roundId, member, deviceKey, share, passphrase) {
  const salt = new Uint8Array(16), nonce = new Uint8Array(24);
  crypto.getRandomValues(salt); crypto.getRandomValues(nonce);
  const opslimit = 2, memlimit = 67108864;
  const key = argon2id(new TextEncoder().encode(passphrase), salt, { t: opslimit, m: memlimit / 1024, p: 1, dkLen: 32 });
  const payload = new TextEncoder().encode(JSON.stringify({ round_id: roundId, member, device_key: hex(encodeScalar(deviceKey)),
                                                            share: hex(encodeScalar(share)) }));
  const sealed = secretbox(key, nonce).seal(payload);
  const box = new Uint8Array(24 + sealed.length); box.set(nonce); box.set(sealed, 24);
  return JSON.stringify({ format: "tinnhiem-member-key/1", kdf: "argon2id", opslimit, memlimit, salt: hex(salt), box: hex(box) });
}

// ---- The committee member's device checks the record before signing or decrypting (docs/protocol.md:
// closing). Every value is recomputed here from the record's ballots; the server's word is never taken.
const scalarOf = (h) => leToBigint(unhex(h));
const eq = (a, b) => hex(a) === hex(b);
export class CheckFailed extends Error {
  constructor(check, detail) { super(`${check}: ${detail}`); this.check = check; this.detail = String(detail); }
}
const fail = (check, detail) => { throw new CheckFailed(check, detail); };

// Schnorr proof of knowledge (§4.1): A = z·G − c·X; c = H("schnorr", ctx, X, A).
function verifyKnowledge(proof, publicKey, context) {
  const c = scalarOf(proof.c), z = scalarOf(proof.z);
  return c === hashToScalar("schnorr", context, publicKey, sub(baseMulPublic(z), mulPublic(c, publicKey)));
}

// One-of proof (§4.3): aᵢ = zᵢ·G − cᵢ·α, bᵢ = zᵢ·K − cᵢ·(β − Mᵢ), Σcᵢ = H("one-of", ctx, K, α, β, a₀, b₀, …).
export function verifyOneOf(row, valuePoints, key, context) {
  if (row.c.length !== valuePoints.length || row.z.length !== valuePoints.length) return false;
  const alpha = unhex(row.alpha), beta = unhex(row.beta);
  const commitments = [];
  let total = 0n;
  valuePoints.forEach((m, i) => {
    const c = scalarOf(row.c[i]), z = scalarOf(row.z[i]);
    total += c;
    commitments.push(sub(baseMulPublic(z), mulPublic(c, alpha)), sub(mulPublic(z, key), mulPublic(c, sub(beta, m))));
  });
  return mod(total) === hashToScalar("one-of", context, key, alpha, beta, ...commitments);
}

// Sℓ = Σᵢ Σⱼ ℓʲ·Kᵢⱼ: member ℓ's public verification key, from the commitments alone.
export function verificationKey(commitments, member) {
  let acc = Point.ZERO.toBytes();
  for (const c of commitments) {
    c.K.forEach((k, j) => { acc = add(acc, mulPublic(BigInt(member) ** BigInt(j), unhex(k))); });
  }
  return acc;
}

export const cardListHash = (credentialsHex) => hashBytes("card-list", ...credentialsHex.slice().sort().map(unhex)).slice(0, 32);
export const ballotListHash = (codesHex) => hashBytes("ballot-list", ...codesHex.slice().sort().map(unhex)).slice(0, 32);

// E = H("election", manifest hash, n, k, K₁,₀ … K_n,k−1, K, R, C)[:32].
export function electionHash(record) {
  const points = record.committee.commitments.slice().sort((a, b) => a.member - b.member).flatMap((c) => c.K.map(unhex));
  return hashBytes("election", manifestHash(record.manifest), record.committee.members, record.committee.threshold,
                   ...points, unhex(record.joint_key), unhex(record.receipt_key),
                   cardListHash(record.cards.list.map((c) => c.credential))).slice(0, 32);
}

// m = E ‖ N ‖ issued ‖ P ‖ B (integers 8 bytes big-endian).
export function closingMessage(election, ballots, issued, paper, listHash) {
  const out = new Uint8Array(88);
  out.set(election, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(32, BigInt(ballots)); view.setBigUint64(40, BigInt(issued)); view.setBigUint64(48, BigInt(paper));
  out.set(listHash, 56);
  return out;
}

function validSigners(commitments, members, tag, message, signatures) {
  const valid = new Set();
  for (const s of signatures) {
    if (s.member >= 1 && s.member <= members && !valid.has(s.member)
        && verifySignature(s, verificationKey(commitments, s.member), tag, message)) valid.add(s.member);
  }
  return valid;
}

// The checks a member's device runs on a closed record, in the verifier's order; throws CheckFailed naming the
// first that fails. Returns what it recomputed: E, N, B, the closing statement m and the sums of every row.
export function checkClosedRecord(record, { needClosingSignatures = false } = {}) {
  if (record.state !== "closed") fail("format", record.state);
  const mh = manifestHash(record.manifest);
  if (hex(mh) !== record.manifest_hash) fail("manifest-hash", record.manifest_hash);
  const { members: n, threshold: k, commitments } = record.committee;
  if (!(k >= 2 && k <= n)) fail("threshold", `k = ${k}, n = ${n}`);
  commitments.forEach((c) => c.K.forEach((K, j) => {
    if (!verifyKnowledge(c.proofs[j], unhex(K), ceremonyContext(mh, n, k, c.member, j))) fail("coefficient-proof", `member ${c.member}`);
  }));
  const joint = commitments.reduce((acc, c) => add(acc, unhex(c.K[0])), Point.ZERO.toBytes());
  if (hex(joint) !== record.joint_key) fail("joint-key", "K");
  const E = electionHash(record);
  if (hex(E) !== record.election) fail("election", "E");
  const cardSigners = validSigners(commitments, n, "election-signature", E, record.cards.signatures);
  if (cardSigners.size < k || cardSigners.size !== record.cards.signatures.length) fail("card-signatures", `${cardSigners.size}/${k}`);
  const listed = new Map(record.cards.list.map((c) => [c.credential, c.void]));
  const used = new Set(), alphas = new Set();
  const key = unhex(record.joint_key);
  const valuePoints = manifestValues(record.manifest).map(baseMul);
  const sums = record.manifest.subjects.map(() => ({ alpha: Point.ZERO.toBytes(), beta: Point.ZERO.toBytes() }));
  for (const b of record.ballots) {
    if (listed.get(b.credential) !== false) fail("ballot-credential", b.code);
    if (used.has(b.credential)) fail("credential-reuse", b.code);
    used.add(b.credential);
    if (hex(ballotDigest(b.election, b.nonce, b.rows)) !== b.code) fail("tracking-code", b.code);
    if (b.election !== hex(E)) fail("ballot-round", b.code);
    if (b.rows.length !== sums.length || b.nonce.length !== 64) fail("ballot-shape", b.code);
    if (!verifySignature(b.signature, unhex(b.credential), "ballot-signature", unhex(b.code))) fail("ballot-signature", b.code);
    b.rows.forEach((row, j) => {
      if (!verifyOneOf(row, valuePoints, key, rowContext(E, unhex(b.nonce), j))) fail("ballot-proof", `${b.code} (${j + 1})`);
      if (alphas.has(row.alpha)) fail("duplicate", b.code);
      alphas.add(row.alpha);
      sums[j] = { alpha: add(sums[j].alpha, unhex(row.alpha)), beta: add(sums[j].beta, unhex(row.beta)) };
    });
  }
  const N = record.ballots.length;
  const issued = record.cards.issued;
  if (issued === null || !record.checkins || record.checkins.electronic !== issued) fail("checkins", `${issued} ≠ ${record.checkins ? record.checkins.electronic : "—"}`);
  if (N > issued) fail("ballots-over-cards", `${N} > ${issued}`);
  const B = ballotListHash(record.ballots.map((b) => b.code));
  if (!record.closing || record.closing.ballots !== N || record.closing.list_hash !== hex(B)) {
    fail("closing-count", `${N} ≠ ${record.closing ? record.closing.ballots : "—"}`);
  }
  const message = closingMessage(E, N, issued, record.checkins.paper, B);
  if (needClosingSignatures) {
    const signers = validSigners(commitments, n, "closing-signature", message, record.closing.signatures);
    if (signers.size < k || signers.size !== record.closing.signatures.length) fail("closing", `${signers.size}/${k}`);
  }
  return { election: E, ballots: N, issued, paper: record.checkins.paper, listHash: B, message,
           sums: sums.map((s) => ({ alpha: hex(s.alpha), beta: hex(s.beta) })) };
}

// Member ℓ signs the closing statement it recomputed (tag "closing-signature") with its key share sℓ (the same
// Schnorr signature, tag "election-signature", is the committee's signature over E).
export function signClosing(member, share, message, rng = randomScalar, tag = "closing-signature") {
  return { member, signature: signatureJson(sign(share, baseMul(share), tag, message, rng)) };
}
export const scalarFromHex = (h) => leToBigint(unhex(h));
