"""Finding a serif font that prints every Vietnamese letter, and proving it does.

Official documents ask for Times New Roman; Liberation Serif 2.x and Tinos have
its widths and full Vietnamese. Debian's older fonts-liberation (1.07) has the
same family name but lacks ơ and ư, so every font is checked against the text
it must print before a document is written (docs/documents.md, "Fonts").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from tinnhiem.domain.errors import FontError
from tinnhiem.settings import current

STYLES = ("", "B", "I", "BI")
CANDIDATES: tuple[tuple[str, str, tuple[str, str, str, str]], ...] = (
    ("Liberation Serif", "/usr/share/fonts/truetype/liberation2",
     ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf",
      "LiberationSerif-BoldItalic.ttf")),
    ("Tinos", "/usr/share/fonts/truetype/croscore",
     ("Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf", "Tinos-BoldItalic.ttf")),
    ("DejaVu Serif", "/usr/share/fonts/truetype/dejavu",
     ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf")),
)

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789.,;:!?()-–/%*…«»\"' "


@dataclass(frozen=True, slots=True)
class FontFamily:
    """A family's name and its four files: regular, bold, italic, bold italic."""

    name: str
    files: dict[str, Path]


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(family: FontFamily, text: str) -> str:
    """The characters of ``text`` that some style of ``family`` cannot print."""
    wanted = {c for c in text if not c.isspace()}
    lacking = {c for path in family.files.values() for c in wanted if ord(c) not in _cmap(path)}
    return "".join(sorted(lacking))


def _from_dir(name: str, directory: Path, files: tuple[str, ...]) -> FontFamily | None:
    paths = {style: directory / f for style, f in zip(STYLES, files, strict=True)}
    return FontFamily(name, paths) if all(p.is_file() for p in paths.values()) else None


def find_family(text: str = ALPHABET) -> FontFamily:
    """The first installed family that prints all of ``text``; TINNHIEM_FONT_DIR comes first."""
    candidates = list(CANDIDATES)
    font_dir = current().font_dir
    if font_dir is not None:
        candidates.insert(0, ("Custom", str(font_dir), CANDIDATES[0][2]))
    for name, directory, files in candidates:
        family = _from_dir(name, Path(directory), files)
        if family is not None and not missing_glyphs(family, text):
            return family
    raise FontError("no-font", field="font")


def require_glyphs(family: FontFamily, text: str) -> None:
    """Refuse to print a document the font cannot print whole."""
    lacking = missing_glyphs(family, text)
    if lacking:
        raise FontError("font-missing-glyphs", field="font", font=family.name, chars=lacking)
