"""The record and the posted ballot as JSON Schema (docs/protocol.md §11), and the report package's manifest
(docs/documents.md), from pydantic models.

The web edge validates every posted body with these models (``extra="forbid"``, strict types):
a field the protocol does not name is refused with a message naming it, before anything else
runs. ``python -m tinnhiem.services.schemas DIR`` writes the schemas that docs/schema/ keeps,
for anyone writing a verifier of their own; the verifier itself (crypto/record.py) reads the same
fields with the same bounds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tinnhiem.crypto.record import (
    FORMAT,
    MAX_BALLOTS,
    MAX_CARDS,
    MAX_MEMBERS,
    MAX_SPOILED,
    MAX_SUBJECTS,
    MAX_TEXT,
    RECEIPT_FORMAT,
)

Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]  # 32 bytes, lower-case hex (§2.2)
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00-\x1f]+$")]
Member = Annotated[int, Field(ge=1, le=MAX_MEMBERS)]
Count = Annotated[int, Field(ge=0, le=MAX_BALLOTS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Signature(Strict):
    c: Hex
    z: Hex


class Row(Strict):
    alpha: Hex
    beta: Hex
    c: Annotated[list[Hex], Field(min_length=3, max_length=4)]
    z: Annotated[list[Hex], Field(min_length=3, max_length=4)]


class EncryptedBallot(Strict):
    """A ballot without its card: what a spoiled ballot publishes (§6.4)."""

    code: Hex
    election: Hex
    nonce: Hex
    rows: Annotated[list[Row], Field(min_length=1, max_length=MAX_SUBJECTS)]


class Ballot(Strict):
    """A cast ballot as a device posts it and as the record publishes it (§6.4)."""

    code: Hex
    credential: Hex
    election: Hex
    nonce: Hex
    rows: Annotated[list[Row], Field(min_length=1, max_length=MAX_SUBJECTS)]
    signature: Signature


class Opening(Strict):
    values: Annotated[list[Annotated[int, Field(ge=0, le=2**63 - 1)]], Field(min_length=1, max_length=MAX_SUBJECTS)]
    nonces: Annotated[list[Hex], Field(min_length=1, max_length=MAX_SUBJECTS)]


class Challenge(Strict):
    """A Benaloh challenge as posted: the ballot and its opening (§6.5)."""

    ballot: Ballot
    secrets: Opening


class SignIn(Strict):
    """A card's sign-in as posted: its public credential and a signature on the server's nonce (§6.1)."""

    credential: Hex
    signature: Signature


class VoidCards(Strict):
    """Cards to void, as the committee's device posts them: public credentials only."""

    credentials: Annotated[list[Hex], Field(min_length=1, max_length=MAX_CARDS)]


class Spoiled(Strict):
    """A spoiled ballot as posted (no session, no card) and as published: the ballot and its opening (§6.5)."""

    ballot: EncryptedBallot
    values: Annotated[list[Annotated[int, Field(ge=0, le=2**63 - 1)]], Field(min_length=1, max_length=MAX_SUBJECTS)]
    nonces: Annotated[list[Hex], Field(min_length=1, max_length=MAX_SUBJECTS)]


class Manifest(Strict):
    round_id: Text
    subjects: Annotated[list[Text], Field(min_length=1, max_length=MAX_SUBJECTS)]
    levels: (Annotated[list[Literal["cao", "tin_nhiem", "thap"]], Field(min_length=3, max_length=3)]
             | Annotated[list[Literal["tin_nhiem", "khong_tin_nhiem"]], Field(min_length=2, max_length=2)])
    max_ballots: Annotated[int, Field(ge=1, le=MAX_BALLOTS)]
    election_nonce: Hex


class Proof(Strict):
    c: Hex
    z: Hex


class Commitment(Strict):
    member: Member
    name: Text
    K: Annotated[list[Hex], Field(min_length=1, max_length=MAX_MEMBERS)]
    proofs: Annotated[list[Proof], Field(min_length=1, max_length=MAX_MEMBERS)]


class Committee(Strict):
    members: Member
    threshold: Member  # 1…64 here; k = 1 is refused by its own check, `threshold` (§12)
    commitments: Annotated[list[Commitment], Field(min_length=1, max_length=MAX_MEMBERS)]


class Card(Strict):
    credential: Hex
    void: bool


class MemberSignature(Strict):
    member: Member
    c: Hex
    z: Hex


Signatures = Annotated[list[MemberSignature], Field(max_length=MAX_MEMBERS)]


class Cards(Strict):
    issued: Annotated[int, Field(ge=0, le=MAX_CARDS)] | None
    list: Annotated[list[Card], Field(max_length=MAX_CARDS)]
    signatures: Signatures


class Checkins(Strict):
    electronic: Annotated[int, Field(ge=0, le=MAX_CARDS)]
    paper: Annotated[int, Field(ge=0, le=MAX_CARDS)]


class Closing(Strict):
    ballots: Annotated[int, Field(ge=0, le=MAX_BALLOTS + 1)]
    list_hash: Hex
    signatures: Signatures


class Receipt(Strict):
    """The server's receipt for an accepted cast (§6.6)."""

    format: Literal["tinnhiem-receipt/1"]
    election: Hex
    code: Hex
    signature: Signature


class Ciphertext(Strict):
    alpha: Hex
    beta: Hex


class Tally(Strict):
    ballots: Annotated[int, Field(ge=0, le=MAX_BALLOTS + 1)]  # one over max_ballots is caught by name (§11)
    rows: Annotated[list[Ciphertext], Field(min_length=1, max_length=MAX_SUBJECTS)]


class Share(Strict):
    member: Member
    M: Hex
    c: Hex
    z: Hex


class Decryption(Strict):
    shares: Annotated[list[Share], Field(min_length=1, max_length=MAX_MEMBERS)]
    total: Annotated[int, Field(ge=0, le=2**63 - 1)]
    counts: Annotated[list[Count], Field(min_length=2, max_length=3)]
    empty: Count


class Shares(Strict):
    """A member's decryption shares as their device posts them (§9)."""

    member: Member
    shares: Annotated[list[Share], Field(min_length=1, max_length=MAX_SUBJECTS)]


class ClosingSignature(Strict):
    """A member's signature over the closing statement, as their device posts it."""

    member: Member
    signature: Signature


class SealedShare(Strict):
    E: Hex
    box: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{96}$")]  # 32-byte share + 16-byte tag


class Deal(Strict):
    """A member's deal in the device ceremony (§8.1): commitments, their proofs, the sealed shares."""

    K: Annotated[list[Hex], Field(min_length=1, max_length=MAX_MEMBERS)]
    proofs: Annotated[list[Proof], Field(min_length=1, max_length=MAX_MEMBERS)]
    shares: Annotated[dict[Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]?$")], SealedShare],
                      Field(max_length=MAX_MEMBERS)]


class Record(Strict):
    """The public record (§11)."""

    format: Literal["tinnhiem-record/3"]
    group: Literal["ristretto255"]
    state: Literal["ready", "open", "closed", "tallied"]
    manifest: Manifest
    manifest_hash: Hex
    committee: Committee
    joint_key: Hex
    receipt_key: Hex
    election: Hex | None
    cards: Cards
    checkins: Checkins | None
    closing: Closing | None
    ballots: Annotated[list[Ballot], Field(max_length=MAX_BALLOTS + 1)]
    spoiled: Annotated[list[Spoiled], Field(max_length=MAX_SPOILED)]
    tally: Tally | None
    decryption: Annotated[list[Decryption], Field(min_length=1, max_length=MAX_SUBJECTS)] | None


assert FORMAT == "tinnhiem-record/3"  # the Literals above follow crypto.record.FORMAT and RECEIPT_FORMAT
assert RECEIPT_FORMAT == "tinnhiem-receipt/1"

class ReportRound(Strict):
    """Which round a report package is of (docs/documents.md, "The report upward")."""

    body: Text
    title: Text
    date: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    rule_set: Text


class ReportFiles(Strict):
    """The SHA-256 of each file of the package, lower-case hex."""

    round_json: Hex = Field(alias="round.json")
    result_json: Hex = Field(alias="result.json")
    minutes_pdf: Hex = Field(alias="minutes.pdf")


class ReportManifest(Strict):
    """``manifest.json`` of a report package, the bytes the office signs (``manifest.p7s``)."""

    format: Literal["tinnhiem-report/1"]
    round_id: Hex
    round: ReportRound
    files: ReportFiles
    record_sha256: Hex | None
    exported_at: Annotated[str, StringConstraints(min_length=10, max_length=40)]


SCHEMAS: dict[str, type[BaseModel]] = {"record.schema.json": Record, "ballot.schema.json": Ballot,
                                       "report-manifest.schema.json": ReportManifest,
                                       "spoiled.schema.json": Spoiled, "receipt.schema.json": Receipt}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schema")
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in SCHEMAS.items():
        (folder / name).write_text(schema_text(model), encoding="utf-8")
