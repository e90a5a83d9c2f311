// A delegate's own ballot: find it in the record by its short or full tracking code and check it
// alone — that the record is of the election the committee signed (E and ≥ k card signatures; with the E the hall
// showed, that one), that the ballot reads, hashes to its code, belongs to E, has the round's shape, carries its
// card's signature and valid proofs, that its card is listed and not void, and that the closing statement the
// committee signed counts it (N and B recomputed from the record's codes, ≥ k closing signatures). About a second
// on a phone.
import { ballotListHash, closingMessage, electionHash, hex, shortCode, unhex } from "../ballot.js";
import { mulP, readPoint, readScalar, signatureHolds } from "./group.js";
import { ballotContext, ballotFacts } from "./ballots.js";
import { Failed, readRecord } from "./verify.js";

// "ABCD-EFGH-…" (any case, spaces or dashes) or the 64 hex digits; null if neither.
export function normaliseCode(text) {
  const t = String(text).trim().replace(/[\s-]/g, "");
  if (/^[0-9a-fA-F]{64}$/.test(t)) return { full: t.toLowerCase() };
  if (/^[A-Za-z2-7]{16}$/.test(t)) return { short: t.toUpperCase().replace(/(.{4})(?!$)/g, "$1-") };
  return null;
}

function signers(r, tag, message, signatures, keyOf) {
  const valid = new Set();
  for (const s of signatures) {
    if (s.member >= 1 && s.member <= r.committee.members && !valid.has(s.member)
        && signatureHolds(readScalar(s.c), readScalar(s.z), keyOf(s.member), tag, message)) valid.add(s.member);
  }
  return valid.size === signatures.length && valid.size >= r.committee.threshold;
}

// Resolves {found: [{code, spoiled}], steps: [{step, ok}], ok} for the code given.
// `expected`: the E the hall showed (lower-case hex, see electionArgument), which the record's must be; or null.
export function checkOwnBallot(bytes, codeText, record = null, expected = null) {
  const wanted = normaliseCode(codeText);
  if (!wanted) return { bad: true };
  let r = record;
  if (r === null) {
    try { r = readRecord(bytes); } catch (e) { if (e instanceof Failed) return { unreadable: e.check }; throw e; }
  }
  const matches = (code) => (wanted.full ? code === wanted.full : shortCode(code) === wanted.short);
  const found = [...r.ballots.filter((b) => matches(b.code)).map((b) => ({ code: b.code, spoiled: false, ballot: b })),
                 ...r.spoiled.filter((s) => matches(s.ballot.code)).map((s) => ({ code: s.ballot.code, spoiled: true, ballot: s }))];
  const results = found.map((item) => ({ code: item.code, spoiled: item.spoiled, steps: stepsFor(r, item, expected) }));
  return { found: results };
}

function stepsFor(r, item, expected) {
  const steps = [];
  const step = (name, ok) => { steps.push({ step: name, ok }); return ok; };
  const keyCache = new Map();
  const keyOf = (member) => {
    if (!keyCache.has(member)) {
      let acc = null;
      for (const c of r.committee.commitments) {
        c.K.forEach((k, j) => {
          const p = readPoint(k);
          const term = p === null ? null : mulP(BigInt(member) ** BigInt(j), p);
          acc = acc === null ? term : (term === null ? acc : acc.add(term));
        });
      }
      keyCache.set(member, acc);
    }
    return keyCache.get(member);
  };
  const electionOk = r.election !== null && hex(electionHash(r)) === r.election;
  step("election", electionOk && (expected === null || r.election === expected));
  step("card-signatures", electionOk && signers(r, "election-signature", unhex(r.election), r.cards.signatures, keyOf));
  const facts = ballotFacts(ballotContext(r), item.ballot, item.spoiled ? "spoiled" : "cast");
  step("encoding", facts.encoding);
  step(item.spoiled ? "spoiled-code" : "tracking-code", facts.encoding && facts.code);
  for (const name of item.spoiled ? ["ballot-round", "ballot-shape", "ballot-proof"] : ["ballot-round", "ballot-shape", "ballot-signature", "ballot-proof"]) {
    step(name, facts.encoding && facts.fail === null ? true : facts.encoding && CHECK_ORDER.indexOf(name) < CHECK_ORDER.indexOf(facts.fail));
  }
  if (item.spoiled) {
    step("spoiled-opening", facts.encoding && facts.opens);
    return steps;
  }
  const card = r.cards.list.find((c) => c.credential === item.ballot.credential);
  step("ballot-credential", card !== undefined && card.void === false);
  if (r.closing !== null && r.checkins !== null && r.cards.issued !== null && electionOk) {
    const B = ballotListHash(r.ballots.map((b) => b.code));
    const counted = r.closing.ballots === r.ballots.length && r.closing.list_hash === hex(B);
    const message = closingMessage(unhex(r.election), r.closing.ballots, r.cards.issued, r.checkins.paper, B);
    step("closing", counted && signers(r, "closing-signature", message, r.closing.signatures, keyOf));
  } else {
    step("closing", false);
  }
  return steps;
}
const CHECK_ORDER = ["ballot-round", "ballot-shape", "ballot-signature", "ballot-proof"];
