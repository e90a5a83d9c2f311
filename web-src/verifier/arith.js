// The verifier's point arithmetic, on one of two backends with the same interface (points with add, subtract,
// equals, toBytes; decode, multiply by G, multiply a point):
//   • "sodium": libsodium compiled to WebAssembly (libsodium-wrappers-sumo, the WASM inlined in the package), ~10×
//     faster than noble here; needs WebAssembly (the hall's CSP admits it with 'wasm-unsafe-eval').
//   • "noble": @noble/curves in plain JavaScript, the reference, and the fallback where WebAssembly is refused.
// ready() picks "sodium" when it loads and agrees with noble on a known product, else stays on "noble"; call it
// (await) before reading any point. Only public values go through here: variable time is fine.
import { ristretto255 } from "@noble/curves/ed25519.js";
import sodium from "libsodium-wrappers-sumo";
import { ORDER } from "../ballot.js";

const mod = (a) => ((a % ORDER) + ORDER) % ORDER;
const IDENTITY = new Uint8Array(32);

function scalarBytes(s) {  // s in [0, ℓ) as 32 little-endian bytes (through hex: fewer BigInt operations)
  const h = s.toString(16).padStart(64, "0"), out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.substring(62 - 2 * i, 64 - 2 * i), 16);
  return out;
}
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// ---- noble (reference) ----
const NP = ristretto255.Point;
let table = null;  // G with a table of 8-bit windows (built on first use): ~32 additions a multiplication
const nobleG = () => table || (table = NP.BASE.multiply(1n).precompute(8, false));
export const noble = {
  name: "noble",
  ZERO: NP.ZERO,
  // Canonical bytes (bit 255 refused by noble itself), not the identity: the point, else null.
  decode(bytes) { try { const p = NP.fromBytes(bytes); return p.equals(NP.ZERO) ? null : p; } catch { return null; } },
  mulG: (s) => (mod(s) === 0n ? NP.ZERO : nobleG().multiplyUnsafe(mod(s))),
  mulP: (s, p) => (mod(s) === 0n || p.equals(NP.ZERO) ? NP.ZERO : p.multiplyUnsafe(mod(s))),
  fixedBase: (p) => (p.equals(NP.ZERO) ? p : NP.fromBytes(p.toBytes()).precompute(8, false)),
};

// ---- libsodium (WebAssembly) ----
// A point is its canonical encoding (unique, so equality is equality of bytes); libsodium decodes it on each use.
class SodiumPoint {
  constructor(bytes) { this.bytes = bytes; }
  toBytes() { return this.bytes; }
  equals(q) { return sameBytes(this.bytes, q.bytes); }
  isZero() { return sameBytes(this.bytes, IDENTITY); }
  add(q) {
    if (q.isZero()) return this;
    if (this.isZero()) return q;
    return new SodiumPoint(sodium.crypto_core_ristretto255_add(this.bytes, q.bytes));
  }
  subtract(q) {
    if (q.isZero()) return this;
    return new SodiumPoint(sodium.crypto_core_ristretto255_sub(this.bytes, q.bytes));
  }
}
const S_ZERO = new SodiumPoint(IDENTITY);
// libsodium refuses to output the identity (it throws): only s ≡ 0 or P = 0 give it in a group of prime order,
// and those are answered before; the catch is for safety.
function sodiumMul(f) { try { return new SodiumPoint(f()); } catch { return S_ZERO; } }
export const sodiumBackend = {
  name: "sodium",
  ZERO: S_ZERO,
  // libsodium's decoding ignores bit 255 (it masks it off): §2.2 refuses it, so it is checked here first.
  decode(bytes) {
    if (bytes.length !== 32 || (bytes[31] & 0x80) !== 0 || sameBytes(bytes, IDENTITY)) return null;
    return sodium.crypto_core_ristretto255_is_valid_point(bytes) ? new SodiumPoint(Uint8Array.from(bytes)) : null;
  },
  mulG: (s) => (mod(s) === 0n ? S_ZERO : sodiumMul(() => sodium.crypto_scalarmult_ristretto255_base(scalarBytes(mod(s))))),
  mulP: (s, p) => (mod(s) === 0n || p.isZero() ? S_ZERO
    : sodiumMul(() => sodium.crypto_scalarmult_ristretto255(scalarBytes(mod(s)), p.bytes))),
  fixedBase: (p) => p,
};

// ---- the backend in use ----
export let backend = noble;
export let ZERO = noble.ZERO;  // a live binding: the identity of the backend in use
function useBackend(b) { backend = b; ZERO = b.ZERO; return b.name; }
let forced = null;
// Tests and the bench: always this backend ("noble" or "sodium"), or null for the usual choice. Between checks only.
export function forceBackend(name) { forced = name; }

let loading = null;
// Loads libsodium once and switches to it if it works; resolves the backend's name ("sodium" or "noble").
export function ready() {
  if (forced === "noble") return Promise.resolve(useBackend(noble));
  if (!loading) {
    loading = (async () => {
      try {
        await sodium.ready;
        const k = 0x1234567890abcdef1234567890abcdefn;
        const G7 = nobleG().multiplyUnsafe(7n).toBytes();
        const ok = sameBytes(sodium.crypto_scalarmult_ristretto255_base(scalarBytes(7n)), G7)
          && sameBytes(sodium.crypto_scalarmult_ristretto255(scalarBytes(k), G7), nobleG().multiplyUnsafe(7n * k).toBytes());
        return ok;
      } catch { return false; }  // no WebAssembly (old browser, a page's CSP): noble
    })();
  }
  return loading.then((ok) => useBackend(ok ? sodiumBackend : noble));
}
export const decode = (bytes) => backend.decode(bytes);
export const mulG = (s) => backend.mulG(s);
export const mulP = (s, p) => backend.mulP(s, p);
export const fixedBase = (p) => backend.fixedBase(p);
