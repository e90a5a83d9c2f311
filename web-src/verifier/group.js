// Group operations for the verifier, on decoded points (each point decoded once, encoded once for a hash): the
// same arithmetic as web-src/ballot.js and src/tinnhiem/crypto, only public values, so the variable-time
// multiplications are fine here. Reading a value from the record follows §2.2 exactly (record.read_point).
import { hashToScalar, hex, unhex, ORDER } from "../ballot.js";
import { ZERO, decode, fixedBase, mulG, mulP, ready } from "./arith.js";

export { ZERO, fixedBase, mulG, mulP, ready };  // the arithmetic backend (arith.js: libsodium WASM, else noble)
const HEX64 = /^[0-9a-f]{64}$/;
const IDENTITY_HEX = "00".repeat(32);
export const mod = (a) => ((a % ORDER) + ORDER) % ORDER;

export function leToBigint(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

// A point read from outside: 64 lower-case hex digits of a canonical ristretto255 encoding (both backends refuse
// the non-canonical ones, bit 255 included: arith.js); the identity only where allowed. null when invalid.
export function readPoint(text, allowIdentity = false) {
  if (typeof text !== "string" || !HEX64.test(text)) return null;
  if (text === IDENTITY_HEX) return allowIdentity ? ZERO : null;
  return decode(hex32(text));
}
function hex32(text) {  // 64 checked hex digits → 32 bytes (faster than unhex's regex: every point of a record)
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(text.substring(2 * i, 2 * i + 2), 16);
  return out;
}
// A scalar read from outside: 64 lower-case hex digits of a value < ℓ. null when invalid.
export function readScalar(text) {
  if (typeof text !== "string" || !HEX64.test(text)) return null;
  const v = BigInt("0x" + (text.match(/../g).reverse().join("")));  // little-endian
  return v < ORDER ? v : null;
}

export const bytesOf = (p) => p.toBytes();

// Schnorr signature (§6.1): valid iff c = H(tag, S, m, z·G − c·S).
export function signatureHolds(c, z, publicPoint, tag, message) {
  if (c === null || z === null || publicPoint === null) return false;
  const a = mulG(z).subtract(mulP(c, publicPoint));
  return c === hashToScalar(tag, publicPoint.toBytes(), message, a.toBytes());
}
// Schnorr proof of knowledge (§4.1).
export function knowledgeHolds(c, z, publicPoint, context) {
  const a = mulG(z).subtract(mulP(c, publicPoint));
  return c === hashToScalar("schnorr", context, publicPoint.toBytes(), a.toBytes());
}
// Chaum–Pedersen (§4.2): a = z·G − c·X, b = z·A − c·Y; c = H(ctx, X, A, Y, a, b).
export function equalLogsHold(c, z, base, publicPoint, image, context) {
  const a = mulG(z).subtract(mulP(c, publicPoint));
  const b = mulP(z, base).subtract(mulP(c, image));
  return c === hashToScalar("chaum-pedersen", context, publicPoint.toBytes(), base.toBytes(), image.toBytes(),
    a.toBytes(), b.toBytes());
}
// One-of proof (§4.3): aᵢ = zᵢ·G − cᵢ·α, bᵢ = zᵢ·K − cᵢ·(β − Mᵢ); Σcᵢ = H("one-of", ctx, K, α, β, a₀, b₀, …).
// bᵢ is computed as zᵢ·K − cᵢ·(β − Mᵢ) with Mᵢ = vᵢ·G made once per backend and value (valuePoint).
// α and β are hashed as read (their canonical encodings), not encoded again.
const valuePoints = new Map();  // backend's ZERO → (v → v·G)
function valuePoint(v) {
  if (!valuePoints.has(ZERO)) valuePoints.set(ZERO, new Map());
  const points = valuePoints.get(ZERO);
  if (!points.has(v)) points.set(v, mulG(v));
  return points.get(v);
}
export function oneOfHolds(alpha, beta, cs, zs, values, key, keyBytes, context, alphaBytes, betaBytes) {
  const parts = [];
  let total = 0n;
  for (let i = 0; i < values.length; i++) {
    const c = cs[i], z = zs[i];
    total += c;
    parts.push(mulG(z).subtract(mulP(c, alpha)).toBytes(),
               mulP(z, key).subtract(mulP(c, beta.subtract(valuePoint(values[i])))).toBytes());
  }
  return mod(total) === hashToScalar("one-of", context, keyBytes, alphaBytes, betaBytes, ...parts);
}

export { hex, unhex, ORDER };
