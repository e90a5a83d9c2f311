"""A large conference for the check-in screen: the demo subjects and hundreds of fictional delegates."""

from __future__ import annotations

from dataclasses import replace

from tinnhiem.domain.model import Conference, Delegate
from tinnhiem.services import roundfile, rounds
from tinnhiem.services.ports import UnitOfWork
from tinnhiem.testing.demo import demo_file
from tinnhiem.testing.hall import delegate_names

UNITS = ("Tỉnh ủy", "Ủy ban nhân dân tỉnh", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Huyện ủy Đồng Hòa",
         "Thành ủy Sơn Thủy", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Ủy ban MTTQ Việt Nam tỉnh")


def prepare_conference(uow: UnitOfWork, delegates: int, code: str) -> str:
    """Store the demo round with ``delegates`` delegates (all convened, nobody checked in yet)."""
    round_ = roundfile.parse_round(roundfile.load(demo_file()))[0]
    round_ = replace(round_, conference=Conference(convened=delegates))
    people = tuple(Delegate(name, UNITS[i % len(UNITS)]) for i, name in enumerate(delegate_names(delegates)))
    return rounds.create_round(uow, round_, people, code=code)
