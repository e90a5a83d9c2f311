"""Secret and verifiable ballots: exponential ElGamal over ristretto255, proofs, key ceremony,
tally, public record and verifier. No I/O; imports only the curve library (rbcl). See docs/protocol.md.
"""
