"""domain.names: the matching ladder (exact, then case and spaces, then diacritics)."""

from __future__ import annotations

import pytest

from tinnhiem.domain.errors import InvalidInput, NotFound
from tinnhiem.domain.names import Person, find_person, folded, tidy
from tinnhiem.i18n import message

AN = Person("CB-1", "Nguyễn Văn Ân")
AN_PLAIN = Person("CB-2", "Nguyễn Văn An")


def test_folded_and_tidy() -> None:
    assert "nguyen van an" == folded("  Nguyễn\u00a0 VĂN Ân ")
    assert "dang huu duc" == folded("Đặng Hữu Đức")
    assert "Nguyễn Văn Ân" == tidy("Nguye\u0302\u0303n  Va\u0306n A\u0302n ")


def test_diacritics_typed_choose_among_namesakes() -> None:
    assert [AN] == find_person("nguyễn văn ân", [AN, AN_PLAIN])
    assert [AN_PLAIN] == find_person("Nguyễn Văn An", [AN, AN_PLAIN])


def test_without_diacritics_two_people_are_an_ambiguity() -> None:
    with pytest.raises(InvalidInput) as caught:
        find_person("nguyen van an", [AN, AN_PLAIN])
    assert "CB-1" in caught.value.message() and "CB-2" in message(caught.value, "en")


def test_unknown_is_not_found() -> None:
    with pytest.raises(NotFound):
        find_person("Lê Văn Tám", [AN])
