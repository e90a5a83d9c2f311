// Spreads a record's ballots over Web Workers (one per core, navigator.hardwareConcurrency), a few ballots a
// message, and gives back their facts in the record's order with the sums of the cast ballots' rows. The workers
// start with the page (startWorkers) and load the WASM then, so that a check finds them ready; they stay for the
// next check. The worker's code travels inside this bundle, so the page works the same from the hall and from a
// saved file (file://): on the hall it is the served /static/build/verify-worker.js (the CSP admits scripts of the
// hall only), from a file a Blob of the same code.
import workerSource from "../../src/tinnhiem/web/static/build/verify-worker.js.txt";
import { runBallotsHere } from "./verify.js";
import { readPoint, hex } from "./group.js";

const JOBS_PER_WORKER = 6;  // messages per worker and run: enough to even out the work, few partial answers
const MIN_CHUNK = 2;

function newWorker() {
  if (typeof location !== "undefined" && location.protocol !== "file:" && !globalThis.TINNHIEM_INLINE_WORKER) {
    return new Worker("/static/build/verify-worker.js");
  }
  return new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
}

export function workerCount() {
  return Math.max(1, Math.min(16, (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 2));
}

let pool = null;     // the started workers ([] where Web Workers are refused)
let runs = 0;        // run numbers, so that a late answer of an earlier run is never taken for this one's
let queue = Promise.resolve();  // one run at a time on the pool

// Starts the workers (they load the WASM at once); the page calls it when it loads. Returns how many run.
export function startWorkers(count = workerCount()) {
  if (pool === null || pool.length < count) {
    const started = pool || [];
    try {
      while (started.length < count) started.push(newWorker());
    } catch { /* no Web Workers here (an old browser, a page rule): the checks run on this thread */ }
    pool = started;
  }
  return pool.length;
}
function dropWorkers() {
  if (pool !== null) pool.forEach((w) => w.terminate());
  pool = null;
}

// runBallots(record) for verify.js: resolves {cast: [facts…], spoiled: [facts…], sums} (sums: rowSums of every
// cast ballot, or null); `done(k)` after k more ballots. `workers`: at most this many.
export function poolRunner({ workers = workerCount(), done = () => {} } = {}) {
  return (record) => {
    const result = queue.then(() => runOnPool(record, workers, done));
    queue = result.catch(() => {});
    return result;
  };
}

function runOnPool(record, workers, done) {
  startWorkers(workers);
  const cast = record.ballots.length, spoiled = record.spoiled.length;
  const out = { cast: new Array(cast), spoiled: new Array(spoiled), sums: null };
  if (cast + spoiled === 0) return Promise.resolve(out);
  const size = Math.max(MIN_CHUNK, Math.ceil((cast + spoiled) / (Math.min(workers, pool.length) * JOBS_PER_WORKER)));
  const jobs = [];
  for (let i = 0; i < cast; i += size) jobs.push({ kind: "cast", from: i, entries: record.ballots.slice(i, i + size) });
  for (let i = 0; i < spoiled; i += size) jobs.push({ kind: "spoiled", from: i, entries: record.spoiled.slice(i, i + size) });
  const used = pool.slice(0, Math.min(workers, jobs.length));
  if (used.length === 0) return runBallotsHere(record, done);
  const run = ++runs;
  const context = { manifest: record.manifest, joint_key: record.joint_key, election: record.election };
  return new Promise((resolve, reject) => {
    let next = 0, finished = 0, summed = 0;
    const partial = [];
    const release = () => used.forEach((u) => { u.onmessage = null; u.onerror = null; });  // the record is let go
    const stop = (error) => { release(); dropWorkers(); reject(error); };
    const give = (w, first) => {
      if (next >= jobs.length) return;
      const id = next++;
      w.postMessage({ run, id, context: first ? context : null, kind: jobs[id].kind, entries: jobs[id].entries });
    };
    used.forEach((w) => {
      w.onmessage = (event) => {
        const answer = event.data;
        if (answer.run !== run) return;
        if (answer.error) { stop(new Error(answer.error)); return; }
        if (answer.id === undefined) {  // a worker's partial sums
          partial.push(answer.sums);
          if (++summed === used.length) {
            release();
            try { out.sums = addPartial(partial, record.manifest.subjects.length); } catch { out.sums = null; }
            resolve(out);
          }
          return;
        }
        const job = jobs[answer.id];
        answer.facts.forEach((f, k) => { out[job.kind][job.from + k] = f; });
        done(answer.facts.length);
        if (++finished === jobs.length) used.forEach((u) => u.postMessage({ run, sums: true }));
        else give(w, false);
      };
      w.onerror = (event) => stop(new Error(event.message || "worker"));
      give(w, true);
    });
  });
}

// The workers' partial sums added: {alpha: [...], beta: [...]} decoded points, or null if one is missing.
function addPartial(partial, subjects) {
  if (partial.some((p) => p === null || p.length !== subjects)) return null;
  const point = (bytes) => readPoint(hex(bytes), true);
  const alpha = [], beta = [];
  for (let j = 0; j < subjects; j++) {
    let a = point(partial[0][j][0]), b = point(partial[0][j][1]);
    for (const p of partial.slice(1)) { a = a.add(point(p[j][0])); b = b.add(point(p[j][1])); }
    alpha.push(a); beta.push(b);
  }
  return { alpha, beta };
}
