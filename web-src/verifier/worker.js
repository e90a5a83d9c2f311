// A Web Worker of the verifier: checks the ballots it is handed (ballots.js) and answers with their facts.
import { ballotContext, ballotFacts } from "./ballots.js";
import { ready } from "./group.js";

let ctx = null;
const loaded = ready();  // libsodium (WASM), else noble: arith.js
self.onmessage = async (event) => {
  const { id, context, kind, entries } = event.data;
  try {
    await loaded;
    if (context) ctx = ballotContext(context);
    self.postMessage({ id, facts: entries.map((e) => ballotFacts(ctx, e, kind)) });
  } catch (error) {
    self.postMessage({ id, error: String(error && error.stack || error) });
  }
};
