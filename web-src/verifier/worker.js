// A Web Worker of the verifier: started with the page (pool.js), it loads the arithmetic (libsodium's WASM, else
// noble: arith.js) at once; then it checks the ballots it is handed (ballots.js), answers with their facts, and
// keeps the sums of the cast ballots' rows it checked (the tally's part), which it gives when asked.
import { ballotContext, ballotFacts, rowSums, sumsBytes } from "./ballots.js";
import { ready } from "./group.js";

let run = null;  // {id, ctx, sums}: the record being checked
const loaded = ready();
self.onmessage = async (event) => {
  const message = event.data;
  try {
    await loaded;
    if (message.sums) {  // the run is over: this worker's partial sums
      self.postMessage({ run: message.run, sums: run !== null && run.id === message.run ? sumsBytes(run.sums) : null });
      run = null;
      return;
    }
    if (message.context) {
      const ctx = ballotContext(message.context);
      run = { id: message.run, ctx, sums: rowSums(ctx.subjects) };
    }
    const sums = message.kind === "cast" ? run.sums : null;
    self.postMessage({ run: message.run, id: message.id,
                       facts: message.entries.map((e) => ballotFacts(run.ctx, e, message.kind, sums)) });
  } catch (error) {
    self.postMessage({ run: message.run, id: message.id, error: String(error && error.stack || error) });
  }
};
