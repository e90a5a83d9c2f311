"""Secret and verifiable ballots: exponential ElGamal over ristretto255, proofs, key ceremony,
tally, public record and verifier. No I/O; imports only the curve library (rbcl). See docs/protocol.md
(protocol version 3, hash prefix ``tinnhiem/v3/``).

The public functions a service calls (version 3):

- manifest: ``Manifest(round_id, subjects, levels, max_ballots, election_nonce)``, ``new_election_nonce()``
  (64 hex digits, drawn when the ceremony starts), ``Manifest.hash``.
- election: ``election_hash(manifest, committee, commitments, joint_key, receipt_key, credentials) -> E``,
  ``card_list_hash(credentials)``; ``sign_election(member, s, E, rng)`` / ``verify_election_signatures(
  committee, commitments, E, signatures)`` (raises ``card-signatures``); ``verify_member_signature(commitments,
  tag, message, signature)``; ``ballot_list_hash(codes)``, ``closing_message(E, N, issued, paper, B)``,
  ``sign_closing(member, s, message, rng)`` / ``verify_closing_signatures(...)`` (raises ``closing``);
  ``sign_receipt(r, E, digest, rng) -> Receipt`` / ``verify_receipt(receipt, R)``; ``MemberSignature``.
- ballot: ``encrypt_ballot(manifest, E, K, choices, rng, nonce=None) -> (EncryptedBallot, BallotSecrets)``,
  ``sign_ballot(ballot, card_secret, rng) -> CastBallot``, ``cast_ballot(...)`` (both),
  ``verify_ballot(manifest, E, K, ballot)`` (a spoiled ballot), ``verify_cast_ballot(manifest, E, K, cast)``,
  ``verify_opening(manifest, K, ballot, secrets)``, ``row_context(E, N, j)``, ``alphas``, ``choices_of``.
- credentials: ``signing_key``, ``public_credential``, ``sign``, ``verify_signature``, ``SIGN_IN_TAG``,
  ``sign_in_message(E, nonce16)``.
- record (JSON): ``ballot_json`` / ``read_ballot`` (cast), ``encrypted_ballot_json`` /
  ``read_encrypted_ballot``, ``spoiled_json`` / ``read_spoiled``, ``receipt_json`` / ``read_receipt``,
  ``member_signature_json`` / ``read_member_signature``, ``signature_json`` / ``read_signature``,
  ``to_json`` / ``from_json`` (``tinnhiem-record/3``: ``Record`` with ``receipt_key``, ``election``,
  ``card_signatures``, ``checkins``, ``closing``).
- files (record.py): ``ElectionFile`` / ``election_file_json`` / ``read_election_file`` (``tinnhiem-election/1``),
  ``CardFile`` / ``card_file_json`` / ``read_card_file`` (``tinnhiem-cards/2``); verify.py:
  ``check_election_file(f)`` (the laptop, before making cards), ``check_card_file(f, cards) -> E`` (the server,
  on upload: ``election`` / ``card-signatures``, to be reported as ``cards-election`` / ``cards-signature``).
- verify: ``verify(data, map_fn, receipts=())``, ``verify_for_decryption(data)`` (a member's device before
  decrypting: returns the checked closed Record; N or B unlike the statement: ``closing-count``),
  ``sums_to_decrypt(record, sent=None)`` (the recomputed sums; a sent sum that differs: ``tally-sum``),
  ``receipt_findings(record, receipts)``, ``recomputed_election(record)``.
- testing.simulate: ``simulate_keyed(...) -> Simulated`` (record, committee secrets, receipt secret),
  ``sign_as_committee(data, keyed, members)``, ``seeded_nonce``, ``seeded_bytes``.
"""
