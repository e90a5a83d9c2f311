"""The command line speaks Vietnamese; TINNHIEM_LANG=en switches it (help included) to English."""

from __future__ import annotations

from tinnhiem.settings import current


def english() -> bool:
    return current().lang == "en"


def t(vi: str, en: str) -> str:
    """The text in the chosen language."""
    return en if english() else vi
