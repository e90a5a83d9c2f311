"""The command line speaks Vietnamese; TINNHIEM_LANG=en switches it (help included) to English.

The texts are written in Vietnamese and translated through the message catalogue (``tinnhiem.i18n``).
"""

from __future__ import annotations

from tinnhiem.i18n import gettext
from tinnhiem.settings import current


def language() -> str:
    return current().lang


def english() -> bool:
    return language() == "en"


def t(text: str, **params: object) -> str:
    """``text`` (Vietnamese) in the chosen language, its ``{placeholders}`` filled from ``params``."""
    return gettext(language(), text, **params)
