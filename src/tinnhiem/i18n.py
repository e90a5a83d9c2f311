"""One way to translate, with Babel: the Vietnamese text is written in the code, every other language comes
from a message catalogue that a translator edits without reading Python.

The catalogue is ``src/tinnhiem/locale/LANG/LC_MESSAGES/messages.po`` (msgid: the Vietnamese text; msgstr:
its translation). ``make messages`` extracts every text marked in the code, the page templates and the page
scripts (``babel.cfg``: calls of ``t``, ``N_``, ``T``) and updates the catalogue; ``tests/unit/test_i18n.py``
fails when a marked text has no translation or the catalogue keeps one the code no longer has.
Placeholders are named, ``{count}``, and the same in both languages.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from tinnhiem.domain.errors import TinnhiemError, field_label

LOCALES = Path(__file__).parent / "locale"
SOURCE = "vi"  # the language the texts are written in
LANGUAGES = (SOURCE, "en")
FILE_SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml", ".json", ".pdf", ".png", ".jpg", ".jpeg")  # a file named


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang``, read once (the source language needs none)."""
    if lang == SOURCE:
        return NullTranslations()
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def gettext(lang: str, text: str, **params: object) -> str:
    """``text`` (Vietnamese) in ``lang``, its ``{placeholders}`` filled from ``params``."""
    translated = translations(lang).gettext(text)
    return translated.format(**params) if params else translated


@cache
def script_messages(lang: str) -> dict[str, str]:
    """The translations of the texts the page scripts show (web/static/*.js), for the page to hand them."""
    if lang == SOURCE:
        return {}
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale=lang)
    return {str(m.id): str(m.string) for m in catalogue
            if m.id and m.string and any(path.endswith(".js") for path, _ in m.locations)}


def message(error: TinnhiemError, lang: str, *, plain: bool = False) -> str:
    """An error's message in ``lang``, prefixed by the field and the subject. ``plain`` (what a page shows):
    the field in words ("Mật khẩu", not "password"), or not at all when it has none."""
    params = {name: _parameter(value, lang) for name, value in error.params.items()}
    text = gettext(lang, type(error).messages[error.code]).format(field=error.field, **params)
    if plain:
        where = [_field_words(error.field, lang)] if error.field else []
        where = [w for w in where if w]
    else:
        where = [error.field] if error.field else []
    if error.subject:
        where.append(gettext(lang, "người: {subject}", subject=error.subject))
    return f"[{' — '.join(where)}] {text}" if where else text


def _field_words(field: str, lang: str) -> str:
    """A field as a page says it: its words; a place in a file ("danh-sach.xlsx, dòng 5, cột Chức vụ")
    as it is; an internal key without words ("secrets", "query.tracking"): nothing."""
    label = field_label(field)
    if label:
        return gettext(lang, label)
    said = " " in field or not field.isascii() or field.lower().endswith(FILE_SUFFIXES) or field.startswith("TINNHIEM_")
    return field if said else ""


def _parameter(value: object, lang: str) -> object:
    """A word of the catalogue (a channel, a reason) or an error inside an error, in ``lang``."""
    if isinstance(value, TinnhiemError):
        return message(value, lang)
    return gettext(lang, value) if isinstance(value, str) and value else value  # gettext("") is the header


def bilingual(error: TinnhiemError) -> str:
    """Vietnamese first, English on the next line (what the command line prints)."""
    return f"{message(error, 'vi')}\n{message(error, 'en')}"
