"""The command line speaks Vietnamese; TINNHIEM_LANG=en switches it (help included) to English."""

from __future__ import annotations

import os


def english() -> bool:
    return os.environ.get("TINNHIEM_LANG", "vi").lower().startswith("en")


def t(vi: str, en: str) -> str:
    """The text in the chosen language."""
    return en if english() else vi
