"""Vietnamese typed in the old 8-bit font encodings, TCVN3 (ABC, the .VnTime fonts) and VNI-Windows.

In a spreadsheet such text is stored as Latin-1 letters that only look Vietnamese in
the old fonts ("NguyÔn V¨n ¢n" in TCVN3, "Nguyeãn Vaên AÂn" in VNI). Both tables
below are built from the encodings' own layout: TCVN3 gives every lower-case toned
vowel one code (tones in the order huyền, hỏi, ngã, sắc, nặng) and the caps fonts
(.VnTimeH) reuse those codes for capitals; VNI writes a base letter followed by a
mark letter (circumflex, breve, tone).

Which encoding a list is in is decided by reading: each way of decoding is scored
by the number of words that come out as well-formed Vietnamese syllables, and
the best wins (plain Unicode on a tie).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
TCVN3_TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tcvn3_table() -> dict[str, str]:
    toned = {
        "a": "µ¶·¸¹", "a" + BREVE: "»¼½¾Æ", "a" + CIRCUMFLEX: "ÇÈÉÊË", "e": "ÌÎÏÐÑ",
        "e" + CIRCUMFLEX: "ÒÓÔÕÖ", "i": "×ØÜÝÞ", "o": "ßáâãä", "o" + CIRCUMFLEX: "åæçèé",
        "o" + HORN: "êëìíî", "u": "ïñòóô", "u" + HORN: "õö÷øù", "y": "úûüýþ",
    }
    table = {code: _nfc(base + tone)
             for base, codes in toned.items() for code, tone in zip(codes, TCVN3_TONES, strict=True)}
    plain = {"¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
             "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ"}
    return table | plain


TCVN3 = _tcvn3_table()

VNI_MARKS = {  # the mark letter (lower case; its capital means the same) -> combining marks
    "ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT,
    "â": CIRCUMFLEX, "á": CIRCUMFLEX + ACUTE, "à": CIRCUMFLEX + GRAVE, "å": CIRCUMFLEX + HOOK,
    "ã": CIRCUMFLEX + TILDE, "ä": CIRCUMFLEX + DOT,
    "ê": BREVE, "é": BREVE + ACUTE, "è": BREVE + GRAVE, "ú": BREVE + HOOK, "ü": BREVE + TILDE, "ë": BREVE + DOT,
}
VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
VNI_BASES = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "o" + HORN, "ö": "u" + HORN}
TONES_ONLY = {ACUTE, GRAVE, HOOK, TILDE, DOT}


def _bare(letter: str) -> str:
    """A vowel without its tone, keeping its shape (ủ -> u, ố -> ô)."""
    return _nfc("".join(c for c in unicodedata.normalize("NFD", letter) if c not in TONES_ONLY))


def _plain(letter: str) -> str:
    """A letter without any mark (ộ -> o)."""
    return "".join(c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c))


def join_capitals(text: str) -> str:
    """A capital the old encoding lacks, typed as the bare capital and then the small toned letter
    ("Uủy viên" for "Ủy viên", TCVN3's "Uñy"; "Oộ", "Ơớ"): one capital letter, as it was meant.

    Only a capital vowel followed by a small toned vowel of the same shape (or a plain capital before a
    shaped one: "Oộ"); no Vietnamese word writes a vowel twice so, so nothing else is joined.
    """
    out: list[str] = []
    for c in text:
        before = out[-1] if out else ""
        if (before.isupper() and c.islower() and _bare(c) != c
                and (_bare(c).upper() == before or (_plain(c).upper() == before and before in "AEOU"))):
            out[-1] = c.upper()
            continue
        out.append(c)
    return "".join(out)


def from_tcvn3(text: str) -> str:
    """TCVN3 (ABC) to Unicode; text typed in a caps font (.VnTimeH: its Latin letters all capitals)
    comes out in capitals; a capital TCVN3 lacks, typed as two letters ("Uñy"), as one (join_capitals)."""
    decoded = join_capitals(_nfc("".join(TCVN3.get(c, c) for c in text)))
    latin = [c for c in text if c.isascii() and c.isalpha()]
    return decoded.upper() if len(latin) >= 2 and all(c.isupper() for c in latin) else decoded


def _vni_mark(base: str, mark: str) -> str | None:
    """The composed letter of a VNI base and mark, or None when they do not combine."""
    combining = VNI_MARKS.get(mark.lower())
    root = VNI_BASES.get(base.lower())
    if combining is None or root is None:
        return None
    shape = combining[0] if combining[0] in (CIRCUMFLEX, BREVE) else ""
    if (shape == CIRCUMFLEX and root not in "aeo") or (shape == BREVE and root != "a"):
        return None
    letter = _nfc(root + combining)
    return letter.upper() if base.isupper() else letter


def from_vni(text: str) -> str:
    """VNI-Windows to Unicode: a base letter and the mark letter after it become one letter."""
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = _vni_mark(text[i], text[i + 1]) if i + 1 < len(text) else None
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        single = VNI_LETTERS.get(text[i].lower())
        out.append(text[i] if single is None else (single.upper() if text[i].isupper() else single))
        i += 1
    return join_capitals(_nfc("".join(out)))


ONSET = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx]"
NUCLEUS = ("uyê|uya|uyu|uây|uôi|ươi|ươu|iêu|yêu|oai|oay|oao|oeo|"
           "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
           "[aăâeêioôơuưy]")
SYLLABLE = re.compile(f"^(?:{ONSET})?(?:{NUCLEUS})(?:ch|ng|nh|[cmnpt])?$")
EDGES = " \t,.;:()[]\"'/-–—!?"


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset, vowels, final consonant, at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in TONES_ONLY)
    bare = _nfc("".join(c for c in decomposed if c not in TONES_ONLY))
    return tones <= 1 and SYLLABLE.match(bare) is not None


def score(texts: Iterable[str]) -> int:
    """How many words of ``texts`` read as Vietnamese syllables."""
    return sum(1 for text in texts for word in text.split() if is_syllable(word.strip(EDGES)))


DECODERS: dict[str, Callable[[str], str]] = {"unicode": lambda text: text, "tcvn3": from_tcvn3, "vni": from_vni}


def legacy_candidate(text: str) -> bool:
    """Text an old encoding could have produced: Latin-1 only, with at least one non-ASCII letter."""
    return any(not c.isascii() for c in text) and all(ord(c) < 0x100 for c in text)


def best_decoder(texts: Iterable[str]) -> str:
    """"unicode", "tcvn3" or "vni": the reading of ``texts`` with the most Vietnamese words."""
    sample = [t for t in texts if legacy_candidate(t)]
    if not sample:
        return "unicode"
    scores = {name: score(decode(t) for t in sample) for name, decode in DECODERS.items()}
    return max(scores, key=lambda name: (scores[name], name == "unicode"))


VIETNAMESE_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")


def unreadable(text: str) -> bool:
    """Letters that no Vietnamese text contains (what is left when an old encoding was not undone)."""
    return any(0xA0 < ord(c) < 0x100 and c not in VIETNAMESE_LATIN1 and c not in "«»°±" for c in text)
