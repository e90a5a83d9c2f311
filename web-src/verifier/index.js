// The verifier page's bundle (window.TinnhiemVerifier): every check of docs/protocol.md §12 in the browser.
export { CHECKS, Failed, electionArgument, verifyRecordBytes, readReceipt, readRecord, receiptFinding, runBallotsHere } from "./verify.js";
export { poolRunner, workerCount } from "./pool.js";
export { checkOwnBallot, normaliseCode } from "./own.js";
export { shortCode } from "../ballot.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../ballot.js";
export const sha256Hex = (bytes) => hex(sha256(bytes));
