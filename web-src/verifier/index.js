// The verifier page's bundle (window.TinnhiemVerifier): every check of docs/protocol.md §12 in the browser.
export { CHECKS, Failed, electionArgument, verifyRecordBytes, readReceipt, readRecord, receiptFinding, runBallotsHere } from "./verify.js";
export { poolRunner, startWorkers, workerCount } from "./pool.js";
export { checkOwnBallot, normaliseCode } from "./own.js";
export { shortCode } from "../ballot.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../ballot.js";
export const sha256Hex = (bytes) => hex(sha256(bytes));
// The arithmetic backend (arith.js): loaded now, so that a check of one's own ballot finds it ready; the two
// backends themselves for the tests that hold libsodium to noble.
import { ready } from "./arith.js";
export { forceBackend, noble, ready, sodiumBackend } from "./arith.js";
ready();
