"""Each situation has its own error code, with its message in each language (docs/architecture.md, Errors)."""

import ast
import re
from pathlib import Path

import pytest

from tinnhiem.domain.errors import MESSAGES
from tinnhiem.i18n import gettext

SRC = Path(__file__).resolve().parents[2] / "src" / "tinnhiem"
CATCH_ALL = {"missing", "ballot-refused"}
# Where the catch-alls were used for other situations: a share, a ceremony, a committee member, a dossier…
SPECIFIC = ["services/record.py", "services/key_ceremony.py", "services/rounds.py", "web/routes_admin.py",
            "web/routes_vote.py", "cli/main.py"]
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]")


def _codes_raised(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "InvalidInput"
                and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))
    return found


@pytest.mark.parametrize("module", SPECIFIC)
def test_no_catch_all_code_for_a_specific_situation(module: str) -> None:
    assert [] == [f"{module}:{line}: {code}" for line, code in _codes_raised(SRC / module) if code in CATCH_ALL]


def test_every_code_raised_has_its_two_messages() -> None:
    raised = {code for path in SRC.rglob("*.py") for _, code in _codes_raised(path)}
    assert set() == raised - set(MESSAGES)


@pytest.mark.parametrize("code", ["not-a-member", "same-member-twice", "shares-incomplete", "share-unreadable",
                                  "share-unproven", "commitment-unproven", "sealed-shares-incomplete",
                                  "verification-key-mismatch", "election-exists", "no-such-subject", "no-dossier",
                                  "tls-pair"])
def test_each_new_message_is_in_one_language(code: str) -> None:
    """The English message carries no Vietnamese (no {reason} copied from the other language)."""
    vi = MESSAGES[code]
    en = gettext("en", vi)
    assert VIETNAMESE.search(vi) and not VIETNAMESE.search(en) and "{reason}" not in vi + en
