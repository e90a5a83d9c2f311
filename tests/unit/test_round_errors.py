"""Every inconsistent input of docs/round-file.md is refused, naming the field and the subject."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tinnhiem.domain.errors import InvalidInput, QuorumNotMet
from tinnhiem.domain.tally import tally
from tinnhiem.i18n import message
from tinnhiem.services import roundfile

GOOD: dict[str, Any] = {
    "rule_set": "qd96-2023",
    "body": {"name": "Ban Chấp hành Đảng bộ tỉnh Thử Nghiệm", "members": 50},
    "title": "Lấy phiếu tín nhiệm",
    "date": "2026-11-20",
    "conference": {"convened": 50, "present": 45, "ballots_issued": 45, "ballots_returned": 45},
    "base": "ballots_returned",
    "committee": [{"name": "Người Kiểm Phiếu", "role": "Trưởng ban"}],
    "subjects": [
        {"name": "Nguyễn Văn Một", "position": "Bí thư", "counts": {"cao": 30, "tin_nhiem": 10, "thap": 5}},
        {"name": "Trần Thị Hai", "position": "Phó Bí thư", "counts": {"cao": 20, "tin_nhiem": 20, "thap": 4},
         "invalid": 1},
    ],
    "exemptions": [{"name": "Lê Văn Ba", "position": "Ủy viên", "reason": "new-in-year"}],
}


def run(data: dict[str, Any]) -> None:
    round_, totals = roundfile.parse_round(data)
    assert totals is not None
    tally(round_, totals)


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_good_round_counts() -> None:
    """The base case is accepted, so each case below fails for its own reason."""
    run(GOOD)


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str | None]] = [
    ("counts above returned", lambda d: d["subjects"][1]["counts"].update(cao=21), "subjects[1].counts", "Trần Thị Hai"),
    ("missing base", lambda d: d.pop("base"), "base", None),
    ("unknown rule set", lambda d: d.update(rule_set="qd262-2014"), "rule_set", None),
    ("unknown reason", lambda d: d["exemptions"][0].update(reason="tired"), "exemptions[0].reason", "Lê Văn Ba"),
    ("reason not in rule set", lambda d: d["exemptions"][0].update(reason="illness"), "exemptions[0].reason",
     "Lê Văn Ba"),
    ("other without note", lambda d: d["exemptions"][0].update(reason="other"), "exemptions[0].note", "Lê Văn Ba"),
    ("negative count", lambda d: d["subjects"][0]["counts"].update(thap=-1), "subjects[0].counts.thap",
     "Nguyễn Văn Một"),
    ("count not a number", lambda d: d["subjects"][0]["counts"].update(cao="ba mươi"), "subjects[0].counts.cao",
     "Nguyễn Văn Một"),
    ("missing level", lambda d: d["subjects"][0]["counts"].pop("thap"), "subjects[0].counts", "Nguyễn Văn Một"),
    ("no-confidence level in a confidence vote", lambda d: d["subjects"][0]["counts"].update(khong_tin_nhiem=1),
     "subjects[0].counts", "Nguyễn Văn Một"),
    ("one subject without counts", lambda d: d["subjects"][1].pop("counts"), "subjects[1].counts", "Trần Thị Hai"),
    ("present above convened", lambda d: d["conference"].update(present=51), "conference.present", None),
    ("returned above issued", lambda d: d["conference"].update(ballots_returned=46), "conference.ballots_returned",
     None),
    ("base number missing", lambda d: d["conference"].pop("ballots_returned"), "conference.ballots_returned", None),
    ("members base without members", lambda d: (d.update(base="members"), d["body"].pop("members")), "body.members",
     None),
    ("unknown base", lambda d: d.update(base="everyone"), "base", None),
    ("bad date", lambda d: d.update(date="20/11/2026"), "date", None),
    ("subject exempted too", lambda d: d["exemptions"][0].update(name="Trần Thị Hai"), "exemptions[0]",
     "Trần Thị Hai"),
    ("committee member voted on", lambda d: d["committee"][0].update(name="Nguyễn Văn Một"), "committee[0]",
     "Nguyễn Văn Một"),
    ("duplicate subject", lambda d: d["subjects"].append(copy.deepcopy(d["subjects"][0])), "subjects[2]",
     "Nguyễn Văn Một"),
    ("missing position", lambda d: d["subjects"][0].pop("position"), "subjects[0].position", "Nguyễn Văn Một"),
]


@pytest.mark.parametrize(("label", "change", "field", "subject"), CASES, ids=[c[0] for c in CASES])
def test_inconsistent_input_names_field_and_subject(
    label: str, change: Callable[[dict[str, Any]], None], field: str, subject: str | None
) -> None:
    """docs/round-file.md: the error names the field and the subject, in Vietnamese and English."""
    with pytest.raises(InvalidInput) as caught:
        run(changed(change))
    assert (field, subject) == (caught.value.field, caught.value.subject)
    assert field in caught.value.message() and field in message(caught.value, "en")


def test_quorum_not_met_is_refused_under_qd96() -> None:
    """R-QUORUM: 33 of 50 present is below two thirds (34 needed)."""
    data = changed(lambda d: d["conference"].update(present=33, ballots_issued=33, ballots_returned=33))
    for s in data["subjects"]:
        s["counts"] = {"cao": 10, "tin_nhiem": 10, "thap": 1}
        s.pop("invalid", None)
    with pytest.raises(QuorumNotMet) as caught:
        run(data)
    assert "34" in caught.value.message()


def test_quorum_exactly_two_thirds_is_enough() -> None:
    """R-QUORUM: 3·present ≥ 2·convened; 2 of 3 is enough."""
    data = changed(lambda d: d["conference"].update(convened=48, present=32, ballots_issued=32, ballots_returned=32))
    for s in data["subjects"]:
        s["counts"] = {"cao": 10, "tin_nhiem": 10, "thap": 1}
    run(data)


def test_no_confidence_vote_counts_two_levels() -> None:
    """R-NOCONF, R-NOCONF-2: more than half "không tín nhiệm" proposes dismissal."""
    data = changed(lambda d: d.update(kind="no-confidence"))
    data["subjects"][0]["counts"] = {"tin_nhiem": 22, "khong_tin_nhiem": 23}
    data["subjects"][1]["counts"] = {"tin_nhiem": 23, "khong_tin_nhiem": 22}
    data["subjects"][1].pop("invalid")
    round_, totals = roundfile.parse_round(data)
    assert totals is not None
    document = roundfile.result_document(tally(round_, totals))
    assert [True, False] == [s["dismissal_proposed"] for s in document["subjects"]]
    assert "Nguyễn Văn Một" in document["summary"]


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\x07", "\ue000"])
def test_a_character_nobody_can_see_is_refused_with_its_field(hidden: str) -> None:
    """The abuse suite created a subject "Nguyễn Văn Một\u202e…": the minutes then print the name reversed, and two
    names that look alike differ. Refused with the field, the subject and the character's code point."""
    from tinnhiem.domain import checks
    from tinnhiem.domain.model import Delegate

    data = copy.deepcopy(GOOD)
    data["subjects"][1]["position"] = f"Phó {hidden}Bí thư"
    round_, _ = roundfile.parse_round(data)
    with pytest.raises(InvalidInput) as refused:
        checks.check_visible(round_)
    assert ("hidden-character", "subjects[1].position", "Trần Thị Hai") == (
        refused.value.code, refused.value.field, refused.value.subject)
    assert f"U+{ord(hidden):04X}" in message(refused.value, "vi")
    clean, _ = roundfile.parse_round(copy.deepcopy(GOOD))
    checks.check_visible(clean, [Delegate("Đặng Thị Ánh", "Sở Tư pháp")])  # Vietnamese, in NFC or not, passes
    with pytest.raises(InvalidInput, match="delegates"):
        checks.check_visible(clean, [Delegate(f"Đặng{hidden} Thị Ánh")])
