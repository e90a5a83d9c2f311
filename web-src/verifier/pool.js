// Spreads a record's ballots over Web Workers (one per core, navigator.hardwareConcurrency), a few ballots a
// message, and gives back their facts in the record's order. The worker's code travels inside this bundle, so
// the page works the same from the hall and from a saved file (file://): on the hall it is the served
// /static/build/verify-worker.js (the CSP admits scripts of the hall only), from a file a Blob of the same code.
import workerSource from "../../src/tinnhiem/web/static/build/verify-worker.js.txt";
import { runBallotsHere } from "./verify.js";

const CHUNK = 4;

function newWorker() {
  if (typeof location !== "undefined" && location.protocol !== "file:" && !globalThis.TINNHIEM_INLINE_WORKER) {
    return new Worker("/static/build/verify-worker.js");
  }
  return new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
}

export function workerCount() {
  return Math.max(1, Math.min(16, (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 2));
}

// runBallots(record) for verify.js: resolves {cast: [facts…], spoiled: [facts…]}; `done(k)` after k more ballots.
export function poolRunner({ workers = workerCount(), done = () => {} } = {}) {
  return (record) => new Promise((resolve, reject) => {
    const context = { manifest: record.manifest, joint_key: record.joint_key, election: record.election };
    const jobs = [];
    for (let i = 0; i < record.ballots.length; i += CHUNK) jobs.push({ kind: "cast", from: i, entries: record.ballots.slice(i, i + CHUNK) });
    for (let i = 0; i < record.spoiled.length; i += CHUNK) jobs.push({ kind: "spoiled", from: i, entries: record.spoiled.slice(i, i + CHUNK) });
    const out = { cast: new Array(record.ballots.length), spoiled: new Array(record.spoiled.length) };
    if (jobs.length === 0) { resolve(out); return; }
    let next = 0, finished = 0;
    let pool;
    try {
      pool = Array.from({ length: Math.min(workers, jobs.length) }, newWorker);
    } catch {  // no Web Workers here (an old browser, a page rule): the same checks on this thread
      runBallotsHere(record, done).then(resolve, reject);
      return;
    }
    const stop = () => pool.forEach((w) => w.terminate());
    const give = (w, first) => {
      if (next >= jobs.length) return;
      const id = next++;
      const job = jobs[id];
      w.postMessage({ id, context: first ? context : null, kind: job.kind, entries: job.entries });
    };
    pool.forEach((w) => {
      w.onmessage = (event) => {
        const { id, facts, error } = event.data;
        if (error) { stop(); reject(new Error(error)); return; }
        const job = jobs[id];
        facts.forEach((f, k) => { out[job.kind][job.from + k] = f; });
        done(facts.length);
        if (++finished === jobs.length) { stop(); resolve(out); } else give(w, false);
      };
      w.onerror = (event) => { stop(); reject(new Error(event.message || "worker")); };
      give(w, true);
    });
  });
}
