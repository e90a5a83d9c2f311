"""``tinnhiem minutes sign`` and ``tinnhiem minutes verify``: the digitally signed minutes (docs/documents.md)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from tinnhiem.cli.i18n import t
from tinnhiem.domain.errors import SigningError
from tinnhiem.domain.words import N_
from tinnhiem.reports import signed_minutes as minutes
from tinnhiem.reports import signing
from tinnhiem.reports.signature_check import PROBLEMS, Change, MinutesCheck, check_minutes, load_roots
from tinnhiem.services.minutes import result_hash
from tinnhiem.settings import DEFAULT_TOKEN_LIBRARY

minutes_app = typer.Typer(help=t("Biên bản ký số: từng thành viên ký, Trưởng ban ký sau cùng; kiểm tra chữ ký."))
SOFTHSM = DEFAULT_TOKEN_LIBRARY

CHANGES = {
    Change.NONE: N_("không có gì"),
    Change.SIGNATURES: N_("chỉ thêm chữ ký sau"),
    Change.OTHER: N_("CÓ THAY ĐỔI KHÁC"),
}


def _key(pkcs12: Path | None, token: str | None, library: str) -> signing.Key:
    if (pkcs12 is None) == (token is None):
        raise SigningError("missing", field="--token / --pkcs12")
    if pkcs12 is not None:
        return signing.Pkcs12Key(pkcs12, typer.prompt(t("Mật khẩu tệp khóa"), hide_input=True))
    return signing.Pkcs11Key(library, token or "", typer.prompt(t("Mã PIN của thiết bị ký số"), hide_input=True))


@minutes_app.command("sign", help=t("Ký số biên bản kiểm phiếu (PAdES) bằng thiết bị ký số (PKCS#11) hoặc tệp "
                                    "PKCS#12; mỗi thành viên một lần, Trưởng ban sau cùng."))
def sign_command(
    round_ref: str = typer.Argument(..., metavar="ROUND", help=t("Tệp hoặc mã cuộc lấy phiếu.")),
    file: Path = typer.Option(None, "--file", help=t("Tệp biên bản ký số (mặc định trong thư mục tài liệu).")),
    signer: str = typer.Option(None, "--as", help=t("Họ tên người ký như trong Ban kiểm phiếu (mặc định: tên "
                                                    "trên chứng thư).")),
    token: str = typer.Option(None, "--token", help=t("Nhãn (label) của thiết bị ký số.")),
    library: str = typer.Option(SOFTHSM, "--pkcs11-lib", help=t("Thư viện PKCS#11 của thiết bị.")),
    pkcs12: Path = typer.Option(None, "--pkcs12", exists=True, dir_okay=False, help=t("Tệp khóa PKCS#12 "
                                                                                       "(.p12, .pfx).")),
    image: Path = typer.Option(None, "--image", exists=True, dir_okay=False, help=t("Ảnh chữ ký tay (PNG nền "
                                                                                     "trong, màu xanh).")),
) -> None:
    """Sign the minutes as one committee member."""
    from tinnhiem.cli.common import _result, minutes_extras, out, reports_errors
    from tinnhiem.storage.db import home

    @reports_errors
    def run() -> None:
        result = _result(round_ref)
        stem = Path(round_ref).stem if Path(round_ref).is_file() else round_ref
        path = file or minutes.signed_path(home() / "documents", stem)
        key = _key(pkcs12, token, library)
        hashed = result_hash(result)
        signed_file = minutes.SignedFile(path, result, hashed, lambda: minutes.fresh_minutes(
            result, hashed, *minutes_extras(round_ref, result)))
        done = minutes.sign_next(signed_file, key, signer=signer, image=image.read_bytes() if image else None)
        out.print(t("Đã ký: {name}. Tệp: {path}", name=done.field.signer, path=str(path)))
        out.print(t("Còn chờ ký: {names}", names=", ".join(done.waiting)) if done.waiting else
                  t("Đủ chữ ký; Trưởng ban đã ký sau cùng."))

    run()


def show_check(check: MinutesCheck) -> None:
    """A table of the signatures in order, then the verdict."""
    from tinnhiem.cli.common import err, out

    table = Table(title=t("Chữ ký trên biên bản, theo thứ tự ký"))
    for heading in ("#", t("Ô ký"), t("Người ký (chứng thư)"), t("Lúc ký (giờ Việt Nam)"), t("Phạm vi"),
                    t("Sau chữ ký"), t("Gốc tin cậy"), t("Kết luận")):
        table.add_column(heading)
    for i, s in enumerate(check.signatures, 1):
        scope = t("toàn bộ tệp") if s.covers_whole_file else t("bản {k}/{n} của tệp", k=s.revision, n=s.revisions)
        trust = "—" if s.trusted is None else (t("có") if s.trusted else t("KHÔNG"))
        verdict = t("hợp lệ") if s.ok else "; ".join(t(PROBLEMS[p]) for p in s.problems)
        table.add_row(str(i), escape(s.meant_for), escape(s.subject),
                      s.signed_at.strftime("%d/%m/%Y %H:%M:%S") if s.signed_at else "—", scope,
                      t(CHANGES[s.change_after]), trust, escape(verdict), style=None if s.ok else "bold red")
    out.print(table)
    if check.unsigned:
        err.print(t("Chưa ký: {names}", names=escape(", ".join(check.unsigned))), style="bold red")
    if not check.trust_checked:
        err.print(t("Chưa kiểm tra chuỗi chứng thư: hãy cho gốc tin cậy bằng --trust."), style="yellow")
    if check.ok:
        out.print(t("HỢP LỆ: {count} chữ ký, không có thay đổi nào sau chữ ký cuối.", count=len(check.signatures)),
                  style="bold green")
    else:
        err.print(t("KHÔNG HỢP LỆ"), style="bold red")


@minutes_app.command("verify", help=t("Kiểm tra từng chữ ký trên biên bản: ai ký, lúc nào, phạm vi, thay đổi "
                                      "sau đó, chuỗi chứng thư; không cần mạng."))
def verify_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=t("Tệp biên bản ký số (PDF).")),
    trust: list[Path] = typer.Option([], "--trust", exists=True, dir_okay=False, help=t("Chứng thư gốc tin cậy "
                                                                                       "(PEM/DER); nhắc lại "
                                                                                       "được.")),
) -> None:
    """Check every signature of the minutes."""
    from tinnhiem.cli.common import reports_errors

    @reports_errors
    def run() -> MinutesCheck:
        return check_minutes(file.read_bytes(), load_roots([p.read_bytes() for p in trust]))

    check = run()
    show_check(check)
    if not check.ok:
        raise typer.Exit(1)
