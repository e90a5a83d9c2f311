"""``tinnhiem report export`` and ``tinnhiem report import``: the report upward and the roll-up (docs/documents.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from tinnhiem.cli.i18n import t
from tinnhiem.cli.minutes import SOFTHSM, _key
from tinnhiem.domain.errors import SigningError, TinnhiemError
from tinnhiem.domain.names import folded
from tinnhiem.domain.percent import printed
from tinnhiem.domain.rollup import Rollup
from tinnhiem.i18n import bilingual
from tinnhiem.reports import signing
from tinnhiem.reports.report_signing import PackageSignatures, sign_manifest
from tinnhiem.reports.signature_check import check_minutes, load_roots, root_files
from tinnhiem.reports.signed_minutes import write_atomically
from tinnhiem.services import report_package
from tinnhiem.services.minutes import result_hash

report_app = typer.Typer(help=t("Báo cáo kết quả lên cấp trên: xuất gói đã ký; nhập các gói và tổng hợp."))


@report_app.command("export", help=t("Xuất gói báo cáo đã ký: kết quả (JSON), biên bản ký số, mã băm hồ sơ công "
                                     "khai."))
def export_command(
    round_ref: str = typer.Argument(..., metavar="ROUND", help=t("Tệp hoặc mã cuộc lấy phiếu.")),
    minutes: Path = typer.Option(..., "--minutes", exists=True, dir_okay=False, help=t("Biên bản đã đủ chữ ký "
                                                                                        "(PDF).")),
    record: Path = typer.Option(None, "--record", exists=True, dir_okay=False, help=t("Hồ sơ công khai (JSON) "
                                                                                       "của cuộc lấy phiếu điện "
                                                                                       "tử.")),
    token: str = typer.Option(None, "--token", help=t("Nhãn (label) của thiết bị ký số.")),
    library: str = typer.Option(SOFTHSM, "--pkcs11-lib", help=t("Thư viện PKCS#11 của thiết bị.")),
    pkcs12: Path = typer.Option(None, "--pkcs12", exists=True, dir_okay=False, help=t("Tệp khóa PKCS#12 "
                                                                                       "(.p12, .pfx).")),
    trust: list[Path] = typer.Option([], "--trust", exists=True, dir_okay=False, help=t("Chứng thư gốc tin cậy "
                                                                                       "(PEM/DER); nhắc lại "
                                                                                       "được.")),
    out_file: Path = typer.Option(None, "--out", help=t("Tệp gói báo cáo (ZIP).")),
) -> None:
    """Write the signed report package of a round."""
    from tinnhiem.cli.common import _result, out, reports_errors
    from tinnhiem.storage.db import home

    @reports_errors
    def run() -> None:
        result = _result(round_ref)
        pdf = minutes.read_bytes()
        if signing.minutes_result_hash(pdf) != result_hash(result):
            raise SigningError("minutes-other-round", field=str(minutes))
        check = check_minutes(pdf, load_roots([p.read_bytes() for p in trust]))
        if check.unsigned or not check.signatures or not all(s.ok for s in check.signatures):
            raise SigningError("minutes-not-complete", field=str(minutes))
        committee = [m.name for m in (*result.round.committee[1:], *result.round.committee[:1])]
        if [folded(s.common_name) for s in check.signatures] != [folded(n) for n in committee]:
            raise SigningError("package-signers", field=str(minutes), expected=", ".join(committee) or "—",
                               value=", ".join(s.common_name for s in check.signatures))
        stem = Path(round_ref).stem if Path(round_ref).is_file() else round_ref
        record_file = record or home() / "documents" / f"{stem}-ho-so-cong-khai.json"
        kept = record_file.read_bytes() if record_file.is_file() else None
        key = _key(pkcs12, token, library)
        package = report_package.build(result, pdf, kept, lambda m: sign_manifest(m, key), dt.datetime.now(dt.UTC))
        path = out_file or home() / "documents" / f"{stem}-bao-cao.zip"
        write_atomically(path, package)
        out.print(t("Đã xuất gói báo cáo: {path}", path=str(path)))

    run()


def show_rollup(summary: Rollup) -> None:
    from tinnhiem.cli.common import out

    table = Table(title=t("Tổng hợp kết quả lấy phiếu tín nhiệm"))
    for heading in ("STT", t("Đơn vị"), t("Họ và tên"), t("Chức vụ"), t("QL"), t("Thấp"), t("Mức")):
        table.add_column(heading)
    for i, row in enumerate(summary.rows, 1):
        low = next((row.percents[lv] for lv in row.percents if lv.value in ("thap", "khong_tin_nhiem")), None)
        table.add_row(str(i), escape(row.unit), escape(row.name), escape(row.position), "x" if row.managed else "",
                      f"{printed(low)}%" if low is not None else "—", "—" if row.band is None else str(row.band),
                      style="bold red" if (row.band or 1) > 1 or row.dismissal_proposed else None)
    out.print(table)
    out.print(t("Số cuộc lấy phiếu: {rounds}; số người: {people}; trên 1/2 phiếu tín nhiệm thấp: {half}; từ 2/3 "
                "trở lên: {two_thirds}.", rounds=summary.rounds, people=summary.people, half=summary.over_half,
                two_thirds=summary.two_thirds))


@report_app.command("import", help=t("Nhập các gói báo cáo của cấp dưới (kiểm tra chữ ký và nội dung) rồi tổng "
                                     "hợp (XLSX, PDF)."))
def import_command(
    packages: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help=t("Các gói báo cáo (ZIP).")),
    trust: list[Path] = typer.Option([], "--trust", exists=True, dir_okay=False, help=t("Chứng thư gốc tin cậy "
                                                                                       "(PEM/DER); nhắc lại "
                                                                                       "được.")),
    managed: list[str] = typer.Option([], "--managed", help=t("Chức vụ do cấp trên quản lý (đánh dấu); nhắc lại "
                                                               "được.")),
    folder: Path = typer.Option(None, "--out", help=t("Thư mục ghi bảng tổng hợp.")),
) -> None:
    """Import packages and write the roll-up."""
    from tinnhiem.cli.common import err, out, reports_errors
    from tinnhiem.reports.rollup import rollup_pdf, rollup_xlsx
    from tinnhiem.storage.db import home

    store = home() / "reports"
    refused = 0

    @reports_errors
    def checks() -> PackageSignatures:
        from tinnhiem.settings import current

        configured = current().trust_roots
        roots = load_roots([p.read_bytes() for p in trust] or (root_files(configured) if configured else []))
        if not roots:
            raise SigningError("package-signature", field="--trust", reason=t("chưa cho gốc tin cậy (--trust)"))
        return PackageSignatures(roots)

    checker = checks()
    for path in packages:
        try:
            package = report_package.read(path.read_bytes(), checker, path.name)
            new = report_package.store(store, package)
        except TinnhiemError as error:
            refused += 1
            err.print(f"[bold red]{t('Từ chối')}[/] {escape(path.name)}\n{escape(bilingual(error))}", highlight=False)
            continue
        round_ = package.result.round
        out.print(t("Đã nhập: {body} — {title} ({date}), ký bởi {signer}.", body=round_.body.name, title=round_.title,
                    date=round_.date.isoformat(), signer=package.signed_by) if new else
                  t("Đã có từ trước (một cuộc lấy phiếu): {body} — {title} ({date}).", body=round_.body.name,
                    title=round_.title, date=round_.date.isoformat()))

    @reports_errors
    def roll() -> Rollup:
        summary = report_package.rollup_kept(store, checker, managed)
        target = folder or home() / "documents"
        write_atomically(target / "tong-hop.xlsx", rollup_xlsx(summary))
        write_atomically(target / "tong-hop.pdf", rollup_pdf(summary))
        out.print(str(target / "tong-hop.xlsx"))
        out.print(str(target / "tong-hop.pdf"))
        return summary

    show_rollup(roll())
    if refused:
        raise typer.Exit(1)
