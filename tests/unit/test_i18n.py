"""One way to translate: Babel catalogues, complete, in step with the code, and used by every edge."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tinnhiem import i18n
from tinnhiem.domain.errors import MESSAGES, InvalidInput
from tinnhiem.domain.model import LEVEL_LABELS, Level

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tinnhiem"
PLACEHOLDER = re.compile(r"\{(\w+)")
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]")


def _scripts_messages() -> object:
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _english() -> dict[str, str]:
    with (SRC / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id and not m.fuzzy}


def test_every_marked_text_has_its_english_and_nothing_stale() -> None:
    """`make messages` leaves nothing to do: the catalogue holds exactly the texts the code marks, each translated."""
    marked = {str(m.id) for m in _scripts_messages().extracted() if m.id}  # type: ignore[attr-defined]
    english = _english()
    assert [] == sorted(marked - set(english)), "texts without English: run `make messages`, then translate"
    assert [] == sorted(set(english) - marked), "texts the code no longer has: run `make messages`"
    assert [] == sorted(vi for vi, en in english.items() if not en.strip())


def test_translations_fill_only_placeholders_the_text_has() -> None:
    """A translation may leave a placeholder out (English needs no «đồng chí»), never invent one."""
    wrong = {vi: en for vi, en in _english().items()
             if not set(PLACEHOLDER.findall(en)) <= set(PLACEHOLDER.findall(vi))}
    assert {} == wrong


def test_english_is_english() -> None:
    assert [] == [en for en in _english().values() if VIETNAMESE.search(en)]


def test_error_messages_and_labels_come_from_the_catalogue() -> None:
    error = InvalidInput("checked-in-other-channel", field="channel", value="Nguyễn Văn Ân", channel="phiếu giấy")
    assert "(phiếu giấy)" in error.message() and "(paper)" in i18n.message(error, "en")
    assert "Low confidence" == i18n.gettext("en", LEVEL_LABELS[Level.LOW])
    assert all(i18n.gettext("en", text) != text for text in MESSAGES.values())


def test_no_text_is_translated_beside_the_code() -> None:
    """No pair (Vietnamese, English) is left in the code, the templates or the page scripts."""
    pairs = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "N_") \
                    and len(node.args) > 1:
                pairs.append(f"{path.relative_to(SRC)}:{node.lineno}")
    two_texts = re.compile(r"""\b(t|T|tr|say|tell)\(\s*(["'`])(?:(?!\2).)*\2\s*,\s*["'`]""")
    for path in [*(SRC / "web" / "templates").glob("*.html"), *(SRC / "web" / "static").glob("*.js")]:
        pairs += [f"{path.relative_to(SRC)}: {m.group(0)}" for m in two_texts.finditer(path.read_text(encoding="utf-8"))]
    assert [] == pairs
