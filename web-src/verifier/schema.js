// The record's JSON Schema (docs/schema/record.schema.json, generated from services/schemas.Record) applied as
// `tinnhiem verify` applies it (services/verification.schema_error): every fault found is mapped to its check of
// docs/protocol.md §12 — `levels` (the level list's length or words), `encoding` (not 64 lower-case hex digits),
// `bounds` (a number or a list's length, both bounds named), else `format` — and the one reported is the one whose
// check runs first, the field named by its path.
import { BadText, JsonFloat } from "./strict-json.js";

const ORDER_OF = ["format", "encoding", "bounds", "levels"];
const MAX_I63 = 2n ** 63n - 1n;
const exact = (bound) => (bound >= 2 ** 63 ? MAX_I63 : BigInt(bound)); // 2⁶³−1 does not fit a JSON number read by JS
const codePoints = (s) => Array.from(s).length;

export const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonFloat)
  && !(v instanceof BadText);
const isInteger = (v) => (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";

export function schemaFaults(root, value) {
  const faults = [];
  const defs = root.$defs;
  const where = (path) => path.join(".") || "record";
  const add = (check, path, extra = {}) => faults.push({ check, field: where(path), ...extra });
  const resolve = (node) => { while (node.$ref) node = defs[node.$ref.split("/").pop()]; return node; };

  function levels(v, path) {
    // manifest.levels: a list of texts that is not one of the two lists fails `levels`; another type, `format`.
    if (!Array.isArray(v)) return add("format", path, { reason: "not a list" });
    if (v.some((item) => typeof item !== "string" && !(item instanceof BadText))) return add("format", path, { reason: "not text" });
    const words = v.map((item) => (item instanceof BadText ? item.text : item));
    const ok = (words.length === 3 && words.every((w) => ["cao", "tin_nhiem", "thap"].includes(w)))
      || (words.length === 2 && words.every((w) => ["tin_nhiem", "khong_tin_nhiem"].includes(w)));
    if (!ok || v.some((item) => item instanceof BadText)) add("levels", path, { levels: words.join(", ").slice(0, 200) });
  }

  function walk(node, v, path) {
    node = resolve(node);
    if (path.length === 2 && path[0] === "manifest" && path[1] === "levels") return levels(v, path);
    if (node.anyOf) {
      if (v === null && node.anyOf.some((o) => o.type === "null")) return;
      const options = node.anyOf.filter((o) => o.type !== "null");
      return walk(options[0], v, path);
    }
    switch (node.type) {
      case "object": {
        if (!isObject(v)) return add("format", path, { reason: "not an object" });
        const props = node.properties || {};
        for (const key of Object.keys(v)) if (!Object.hasOwn(props, key)) add("format", [...path, key], { reason: "unknown field" });
        for (const key of node.required || []) if (!Object.hasOwn(v, key)) add("format", [...path, key], { reason: "missing field" });
        for (const [key, sub] of Object.entries(props)) if (Object.hasOwn(v, key)) walk(sub, v[key], [...path, key]);
        return;
      }
      case "array": {
        if (!Array.isArray(v)) return add("format", path, { reason: "not a list" });
        if ((node.minItems !== undefined && v.length < node.minItems) || (node.maxItems !== undefined && v.length > node.maxItems)) {
          add("bounds", path, { low: node.minItems || 0, high: node.maxItems });
        }
        v.forEach((item, i) => walk(node.items, item, [...path, i]));
        return;
      }
      case "string": {
        if (v instanceof BadText) return add("format", path, { reason: "not text (a lone surrogate)" });
        if (typeof v !== "string") return add("format", path, { reason: "not text" });
        if (node.const !== undefined && v !== node.const) return add("format", path, { reason: `not ${node.const}` });
        if (node.enum && !node.enum.includes(v)) return add("format", path, { reason: "not one of " + node.enum.join(", ") });
        const length = codePoints(v);
        if ((node.minLength !== undefined && length < node.minLength) || (node.maxLength !== undefined && length > node.maxLength)) {
          return add("format", path, { reason: `not ${node.minLength || 0} to ${node.maxLength} characters` });
        }
        if (node.pattern && !new RegExp(node.pattern, "u").test(v)) {
          return add(node.pattern.startsWith("^[0-9a-f]") ? "encoding" : "format", path, { reason: "control character" });
        }
        return;
      }
      case "integer": {
        if (!isInteger(v)) return add("format", path, { reason: "not an integer" });
        const big = BigInt(v);
        const low = node.minimum === undefined ? null : exact(node.minimum);
        const high = node.maximum === undefined ? null : exact(node.maximum);
        if ((low !== null && big < low) || (high !== null && big > high)) add("bounds", path, { low: String(low ?? 0), high: String(high) });
        return;
      }
      case "boolean":
        if (typeof v !== "boolean") add("format", path, { reason: "not true or false" });
        return;
      default:
        throw new Error(`schema type ${node.type}`);
    }
  }
  walk(root, value, []);
  return faults;
}

// The fault reported: the first of those whose check runs first (format, encoding, bounds, levels).
export function firstFault(faults) {
  let best = null;
  for (const f of faults) if (best === null || ORDER_OF.indexOf(f.check) < ORDER_OF.indexOf(best.check)) best = f;
  return best;
}
