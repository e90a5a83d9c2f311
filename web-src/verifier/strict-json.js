// JSON read as `tinnhiem verify` reads it (cli/verify.read_json: Python's json with a hook refusing repeated keys):
// UTF-8 only (a byte-order mark, a bad byte or trailing data fails), a key twice in one object fails, numbers
// keep their kind (5 and 5.0 differ; NaN and Infinity are read as floats, as Python does), integers of more than
// 4,300 digits fail (Python's limit). Each failure is a ReadFailed (check `format`). Values that the schema
// then refuses are kept visible: a float is a JsonFloat, a text holding a lone surrogate a BadText.
export class ReadFailed extends Error {}
export class JsonFloat { constructor(text) { this.text = text; } }
export class BadText { constructor(text) { this.text = text; } }

const MAX_DIGITS = 4300;
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function decodeUtf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ReadFailed("not UTF-8");
  }
}

const hasLoneSurrogate = (s) => /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s);

export function parseStrict(text) {
  let at = 0;
  const n = text.length;
  const fail = (why) => { throw new ReadFailed(`${why} at character ${at}`); };
  const ws = () => { while (at < n && WS.has(text.charCodeAt(at))) at++; };
  function string() {
    at++; // "
    let out = "";
    let start = at;
    for (;;) {
      if (at >= n) fail("unterminated text");
      const ch = text.charCodeAt(at);
      if (ch === 0x22) { out += text.slice(start, at); at++; break; }
      if (ch < 0x20) fail("control character in text");
      if (ch === 0x5c) {
        out += text.slice(start, at);
        const e = text[at + 1];
        const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[e];
        if (simple !== undefined) { out += simple; at += 2; }
        else if (e === "u") {
          const h = text.slice(at + 2, at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(h, 16)); at += 6;
        } else fail("bad escape");
        start = at;
        continue;
      }
      at++;
    }
    return hasLoneSurrogate(out) ? new BadText(out) : out;
  }
  function number() {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(at, at + 100000));
    if (!m || m[0] === "-") fail("bad number");
    at += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return new JsonFloat(m[0]);
    if (m[0].replace("-", "").length > MAX_DIGITS) fail("integer of more than 4300 digits");
    const big = BigInt(m[0]);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  function value(depth) {
    if (depth > 900) fail("nested too deeply");
    ws();
    if (at >= n) fail("unexpected end");
    const ch = text[at];
    if (ch === "{") {
      at++;
      const obj = Object.create(null);
      const keys = new Set();
      ws();
      if (text[at] === "}") { at++; return obj; }
      for (;;) {
        ws();
        if (text[at] !== '"') fail("expected a key");
        const k = string();
        const key = k instanceof BadText ? k.text : k;
        if (keys.has(key)) fail(`the key ${JSON.stringify(key.slice(0, 40))} appears twice in one object`);
        keys.add(key);
        ws();
        if (text[at] !== ":") fail("expected :");
        at++;
        obj[key] = value(depth + 1);
        ws();
        if (text[at] === ",") { at++; continue; }
        if (text[at] === "}") { at++; return obj; }
        fail("expected , or }");
      }
    }
    if (ch === "[") {
      at++;
      const arr = [];
      ws();
      if (text[at] === "]") { at++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[at] === ",") { at++; continue; }
        if (text[at] === "]") { at++; return arr; }
        fail("expected , or ]");
      }
    }
    if (ch === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null], ["NaN", new JsonFloat("NaN")],
      ["Infinity", new JsonFloat("Infinity")], ["-Infinity", new JsonFloat("-Infinity")]]) {
      if (text.startsWith(word, at)) { at += word.length; return v; }
    }
    return number();
  }
  if (text.charCodeAt(0) === 0xfeff) fail("a byte-order mark");
  const result = value(0);
  ws();
  if (at !== n) fail("extra data");
  return result;
}

export const readJson = (bytes) => parseStrict(decodeUtf8(bytes));

// A text anywhere (a key or a value, at any depth) holding a lone surrogate: `format` before anything else is
// judged (crypto/record.refuse_lone_surrogates, protocol §12.1 stage 2).
export function holdsLoneSurrogate(data) {
  const stack = [data];
  while (stack.length) {
    const item = stack.pop();
    if (item instanceof BadText) return true;
    if (Array.isArray(item)) stack.push(...item);
    else if (item !== null && typeof item === "object" && !(item instanceof JsonFloat)) {
      for (const key of Object.keys(item)) {
        if (hasLoneSurrogate(key)) return true;
        stack.push(item[key]);
      }
    }
  }
  return false;
}
