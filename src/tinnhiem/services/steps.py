"""The counting committee's steps of a round, in order, and the one to do now (a member's home page).

Ceremony (the joint key), cards (made on the committee's laptop, then the ones not handed out voided),
decryption (k members, once voting is closed), paper (the sheets the reader was unsure of), totals (the
paper totals typed twice, then the minutes), and the minutes signed digitally, member by member and the head
last (where the committee signs them so). Each step is done, to do now, waiting for another, or not
needed in this round (no electronic vote, no paper sheet).
"""

from __future__ import annotations

from dataclasses import dataclass

from tinnhiem.domain.words import N_
from tinnhiem.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the committee: what, where, and where it stands."""

    key: str
    title: str  # Vietnamese; translated at the edge
    href: str  # "" when the step has no page (a key made at one laptop with tinnhiem committee setup)
    state: str  # "done"; "now" (the first not done) or "waiting" (the first, waiting for the organisers);
    #             "later"; "none" (not needed in this round)
    note: str = ""
    count: int = 0  # sheets or rows waiting (the paper step)


def committee_steps(uow: UnitOfWork, code: str, minutes_signed: bool = False) -> list[Step]:
    """The six steps in order, each done, now (the first one not done), later, or not needed; ``minutes_signed``:
    every place of the digitally signed minutes is signed (reports/signed_minutes.signed_by_all)."""
    with uow:
        election = uow.voting.election(code)
        on_devices = uow.ceremonies.ceremony(code) is not None  # its page exists only then
        started = election is not None or on_devices
        cards = uow.voting.cards(code) if election else []
        sheets = uow.paper.sheets(code)
        counted = uow.rounds.channel_totals(code)
        voters = uow.paper.channel_voters(code)
    state = election.state if election else "none"
    paper = bool(sheets or voters.get("paper"))
    electronic = election is not None or not paper  # a paper-only round needs no key and no cards
    waiting = sum(1 for s in sheets if s.withdrawn is None and (s.void is None or any(r.state is None for r in s.rows)))
    base = f"/committee/r/{code}"
    totalled = bool(counted) and ("paper" in counted or not paper) and ("electronic" in counted or not electronic)
    rows = [  # key, title, where, needed, done, ready, note
        ("ceremony", N_("Lễ tạo khóa chung"), f"{base}/ceremony" if on_devices else "", electronic,
         election is not None, started,
         N_("Mỗi thành viên làm trên thiết bị của mình, với mã Ban tổ chức đưa khi bắt đầu lễ tạo khóa.")),
        ("cards", N_("Thẻ bỏ phiếu: làm thẻ, hủy hoặc niêm phong thẻ không phát"), f"{base}/cards", electronic,
         bool(cards) and state in ("closed", "tallied"), election is not None,
         N_("Làm thẻ trên máy của Ban kiểm phiếu (tinnhiem cards make); sau khi điểm danh, hủy các thẻ không "
            "phát hoặc niêm phong làm thẻ dự phòng: chưa mở được bỏ phiếu khi còn thẻ chưa phát mà dùng được.")),
        ("decryption", N_("Giải mã kết quả bỏ phiếu điện tử"), base, electronic, state == "tallied",
         state == "closed", N_("Khi Ban tổ chức đã đóng bỏ phiếu; cần đủ số thành viên.")),
        ("paper", N_("Phiếu giấy chờ quyết định"), f"{base}/paper", paper, "paper" in counted, bool(sheets),
         N_("{count} tờ hoặc dòng chờ quyết định.") if waiting else ""),
        ("totals", N_("Kết quả kiểm phiếu và biên bản"), f"{base}/totals", True, totalled, True,
         N_("Nhập kết quả phiếu giấy hai lần (hai thành viên), rồi in biên bản.")),
        ("minutes", N_("Ký số biên bản"), f"{base}/minutes", True, minutes_signed, totalled,
         N_("Từng thành viên ký số trên trang này (hoặc bằng lệnh tinnhiem minutes sign), Trưởng ban ký sau cùng; "
            "bỏ qua nếu Ban ký biên bản giấy.")),
    ]
    now = next((key for key, _, _, needed, done, _, _ in rows if needed and not done), None)
    return [Step(key, title, href, "none" if not needed else "done" if done else
                 ("now" if ready else "waiting") if key == now else "later", note, waiting if key == "paper" else 0)
            for key, title, href, needed, done, ready, note in rows]
