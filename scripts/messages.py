"""Extract every text marked for translation and bring the catalogues up to date (`make messages`).

The texts are written in Vietnamese (the msgid); src/tinnhiem/locale/messages.pot lists them, and each
language's messages.po holds their translations, for a translator to fill in (Poedit, Weblate, a text
editor). Marked means: the first argument of t(…) and N_(…) (the second of gettext(lang, …)) in Python
and the page templates, and of T(…), tr(…), say(…) and tell(…) in the page scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "tinnhiem" / "locale"
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    **{name: None for name in ("t", "N_", "T", "tr", "say", "tell")}, "gettext": (2,)}  # gettext(lang, text)


def extracted() -> Catalog:
    """Every marked text of the source tree, with where it is used."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalogue = Catalog(project="tinnhiem", locale="vi", charset="utf-8")
    for path, line, text, comments, context in extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS,
                                                                 strip_comment_tags=True):
        catalogue.add(text, None, [(path, line)], auto_comments=comments, context=context)
    return catalogue


def update(lang: str) -> Catalog:
    """``lang``'s catalogue with every extracted text: translations kept, new texts empty, gone ones dropped."""
    template = extracted()
    with (LOCALES / "messages.pot").open("wb") as file:
        write_po(file, template, width=0, sort_output=True, omit_header=False)
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalogue = read_po(file, locale=lang)
    catalogue.update(template, no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    with path.open("wb") as file:
        write_po(file, catalogue, width=0, sort_output=True)
    return catalogue


if __name__ == "__main__":
    for language in sys.argv[1:] or ["en"]:
        missing = [m.id for m in update(language) if m.id and not m.string]
        print(f"{language}: {len(missing)} text(s) to translate")
        for text in missing:
            print(f"  {text}")
