"""``tinnhiem paper audit-check FILE``: a committee member's own check of the paper audit, on their own
device, from the file downloaded from the audit page (``paper.audit_file.check``)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from tinnhiem.cli.i18n import t
from tinnhiem.domain.audit import percent_text
from tinnhiem.paper.audit_file import CHECK_WORDS, AuditCheck, Finding, check
from tinnhiem.reports.content import grouped

MAX_BYTES = 200_000_000  # far above any stack (≈ 300 bytes a sheet); refused before reading


def read(path: Path) -> object:
    """The file's JSON, or None when it is too large, not UTF-8 or not JSON (the check ``format`` then fails)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None


def _line(finding: Finding) -> str:
    mark = {True: "[green]✓[/]", False: "[bold red]✗[/]", None: "–"}[finding.passed]
    text = f"{mark} {finding.name} — {escape(t(CHECK_WORDS[finding.name]))}"
    if finding.passed is False:
        text += ": [bold]" + escape(t(finding.detail, **(finding.params or {})) if finding.detail else "") + "[/]"
    elif finding.passed is None:
        text += ": " + t("chưa kiểm tra (một phép kiểm tra trước đã không khớp)")
    return text


def _summary(data: dict[str, Any], console: Console) -> None:
    round_ = data["round"]
    console.print(escape(t("Kiểm tra đối chiếu «{title}» ({code}): giới hạn rủi ro {limit} %, số ngẫu nhiên {seed}, "
                           "{sheets} tờ đã kiểm, cơ sở tính tỷ lệ {base}.", title=round_.get("title", ""),
                           code=round_.get("code", ""), limit=percent_text(Fraction(data["risk_limit"])),
                           seed=data["seed"], sheets=len(data["stack"]), base=round_["base"])), highlight=False)
    console.print(escape(t("Mã chồng phiếu: {stack} — phải đúng mã bạn đã thấy trên trang trước khi bắt đầu.",
                           stack=grouped(str(data["stack_hash"])))), highlight=False)
    if any(data.get("electronic") or ()):  # they move every margin: compared with the result announced
        names = round_.get("subjects") or []
        console.print(escape(t("Số phiếu điện tử ở mức tính ngưỡng mà tệp dùng (so với kết quả đã công bố): {counts}.",
                               counts="; ".join(f"{n} {c}" for n, c in zip(names, data["electronic"], strict=False)))),
                      highlight=False)


def show_audit_check(path: Path, console: Console, seen_stack: str | None = None) -> bool:
    """Print each check passed or failed; True when every check passed. ``seen_stack``: the stack hash
    the member noted on the page before the start."""
    data = read(path)
    result: AuditCheck = check(data, seen_stack)
    if result.findings[0].passed and isinstance(data, dict):
        _summary(data, console)
    for finding in result.findings:
        console.print(_line(finding), highlight=False)
    if result.ok:
        assert isinstance(data, dict)
        console.print(t("Khớp: mọi phép kiểm tra đều đúng. Kết luận tính lại: {words}.",
                        words=t(data["verdict"]["words"])), style="bold green", highlight=False)
    else:
        console.print(t("KHÔNG KHỚP: phép kiểm tra «{name}» cho kết quả khác với máy chủ. Đừng xác nhận kiểm tra "
                        "đối chiếu này; báo ngay cho Ban kiểm phiếu.", name=result.first_failed),
                      style="bold red", highlight=False)
    return result.ok
