// A Web Worker of the verifier: checks the ballots it is handed (ballots.js) and answers with their facts.
import { ballotContext, ballotFacts } from "./ballots.js";

let ctx = null;
self.onmessage = (event) => {
  const { id, context, kind, entries } = event.data;
  try {
    if (context) ctx = ballotContext(context);
    self.postMessage({ id, facts: entries.map((e) => ballotFacts(ctx, e, kind)) });
  } catch (error) {
    self.postMessage({ id, error: String(error && error.stack || error) });
  }
};
