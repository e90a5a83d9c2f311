"""Anyone on the hall's Wi-Fi polls the public record while voting is open: it tells them nothing to date.

The record lists the ballots (with their card's credential) and the challenged ballots. Served while
voting is open, a poll every few seconds dates the moment each card first cast or challenged: seen
beside a latecomer who walks in and votes at once, that pairs the latecomer with their card (the
outside tester paired 3–4 this way). While voting is open the public pages give counts only
(the projector's turnout); the record is published once voting has closed.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tinnhiem.crypto.ballot import cast_ballot
from tinnhiem.crypto.credentials import signing_key
from tinnhiem.crypto.record import ballot_json
from tinnhiem.services import voting
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing.hall import prepare_hall
from tinnhiem.testing.simulate import seeded
from tinnhiem.web.app import create_app
from tinnhiem.web.settings import Settings


def test_polling_the_record_while_voting_is_open_dates_no_card(tmp_path: Path) -> None:
    """A Wi-Fi user (no session, no cookie) polls the record before and after a card casts: every answer
    while open is the same refusal, naming no card and no ballot; the projector's count moves. Once voting
    has closed, the record is served with the ballot. Before the fix the record listed the ballot at once."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'hall.sqlite3'}", home=tmp_path,
                              secret_key="secret", organiser_code="ORG"))
    uow = SqlUnitOfWork(app.state.hall.database)
    code, _, made = prepare_hall(uow, tmp_path / "keys")
    with uow:
        election = uow.voting.election(code)
    assert election is not None
    assert election.election_id is not None
    manifest, key = voting.manifest(election), bytes.fromhex(election.joint_key)
    ballot = ballot_json(cast_ballot(manifest, bytes.fromhex(election.election_id), key, [0] * len(manifest.subjects),
                                     signing_key(code, made.secrets[0]), seeded(1))[0])
    wifi = TestClient(app)

    def poll() -> tuple[int, str]:
        answer = wifi.get(f"/api/rounds/{code}/record")
        return answer.status_code, answer.text

    before = poll()
    voting.cast(uow, code, ballot)
    after = poll()
    assert before == after, "the record changed when a card cast: a poll dates the card's ballot"
    assert 422 == after[0] and "record-after-close" in after[1]
    assert ballot["credential"] not in after[1] and ballot["code"] not in after[1]
    assert 1 == voting.turnout(uow, code).ballots  # counts only: the projector's figure

    voting.close_voting(uow, code)
    status, text = poll()
    assert 200 == status and ballot["code"] in text
