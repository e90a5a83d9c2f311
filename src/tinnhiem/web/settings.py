"""The hall's settings: one ``tinnhiem.settings.Settings`` for the whole program."""

from __future__ import annotations

from tinnhiem.settings import Settings

__all__ = ["Settings"]
