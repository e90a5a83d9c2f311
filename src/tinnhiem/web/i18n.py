"""Vietnamese first, English on request (?lang=en, kept in the session)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request


def language(request: Request) -> str:
    chosen = request.query_params.get("lang")
    if chosen in ("vi", "en"):
        request.session["lang"] = chosen
    return str(request.session.get("lang", "vi"))


def translator(request: Request) -> Callable[[str, str], str]:
    english = language(request) == "en"
    return lambda vi, en: en if english else vi
