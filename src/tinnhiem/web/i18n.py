"""Vietnamese first, English on request (?lang=en, kept in the session); texts from the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import Request

from tinnhiem import i18n
from tinnhiem.domain.errors import TinnhiemError


def language(request: Request) -> str:
    chosen = request.query_params.get("lang")
    if chosen in i18n.LANGUAGES:
        request.session["lang"] = chosen
    return str(request.session.get("lang", i18n.SOURCE))


def translators(request: Request) -> dict[str, Callable[..., str]]:
    """What a page's template translates with: ``t("…", name=…)`` for a text, ``message(error)``."""
    lang = language(request)
    return {"t": partial(i18n.gettext, lang), "message": partial(_message, lang=lang)}


def _message(error: TinnhiemError, lang: str) -> str:
    return i18n.message(error, lang, plain=True)


def script_messages(request: Request) -> dict[str, str]:
    """The translations the page scripts need (empty in Vietnamese, the language they are written in)."""
    return i18n.script_messages(language(request))
