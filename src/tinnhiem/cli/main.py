"""The ``tinnhiem`` command: thin; turns errors into messages and exit codes.

Help is Vietnamese; ``TINNHIEM_LANG=en tinnhiem --help`` gives English.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import typer
from rich.markup import escape

from tinnhiem.cli.common import (
    EXIT_CODES,
    _json_file,
    _result,
    _uow,
    err,
    existing,
    minutes_extras,
    out,
    reports_errors,
)
from tinnhiem.cli.entry import double_entry
from tinnhiem.cli.i18n import t
from tinnhiem.cli.minutes import minutes_app
from tinnhiem.cli.report import report_app
from tinnhiem.domain.errors import InvalidInput, TinnhiemError
from tinnhiem.domain.model import Round
from tinnhiem.domain.tally import RoundResult
from tinnhiem.i18n import bilingual, message
from tinnhiem.reports.files import write_documents
from tinnhiem.services import roundfile, rounds
from tinnhiem.storage.db import Database, home
from tinnhiem.storage.repository import SqlUnitOfWork
from tinnhiem.testing import demo

app = typer.Typer(
    help=t("tinnhiem: lấy phiếu tín nhiệm chính xác, có thể kiểm tra."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
round_app = typer.Typer(help=t("Tạo và nhập cuộc lấy phiếu."))
app.add_typer(round_app, name="round")
committee_app = typer.Typer(help=t("Ban kiểm phiếu: tạo khóa chung, giải mã kết quả."))
app.add_typer(committee_app, name="committee")
paper_app = typer.Typer(help=t("Phiếu giấy: in, đọc ảnh quét, xem xét, kiểm phiếu."))
app.add_typer(paper_app, name="paper")
cards_app = typer.Typer(help=t("Thẻ bỏ phiếu điện tử: làm thẻ (máy của Ban kiểm phiếu), tải danh "
                               "sách công khai lên, hủy thẻ."))
app.add_typer(cards_app, name="cards")
app.add_typer(minutes_app, name="minutes")
app.add_typer(report_app, name="report")
account_app = typer.Typer(help=t("Tài khoản của Ban tổ chức và Ban kiểm phiếu (chạy trên máy chủ)."))
app.add_typer(account_app, name="account")
# A phone's idle connection stays open this long. Uvicorn's 5 s is too short for a burst: with every
# core busy, the server's loop runs late, the 5 s timer fires before the phone's next request, already
# sent, is read, and the phone sees the connection dropped (bench/load.py, 2,000 in 60 s: 838 of 2,000).
KEEP_ALIVE_S = 75


def show_result(result: RoundResult) -> None:
    """The result as the minutes show it, readable at 80 columns (cli/results.py)."""
    from tinnhiem.cli import listings, results

    results.show_result(result, listings.console())


@app.command("tally", help=t("Tính kết quả: tỷ lệ, mức tín nhiệm thấp, hệ quả."))
@reports_errors
def tally_command(
    round_ref: str = typer.Argument(..., metavar="ROUND", help=t("Tệp cuộc lấy phiếu (YAML/JSON) "
                                                                 "hoặc mã cuộc lấy phiếu đã lưu.")),
    as_json: bool = typer.Option(False, "--json", help=t("In kết quả dạng JSON.")),
    as_csv: bool = typer.Option(False, "--csv", help=t("In dạng CSV (mở được bằng Excel).")),
) -> None:
    """Count: percentages, bands, consequences."""
    from tinnhiem.cli import listings, results

    fmt = _listing_format(as_json, as_csv)
    result = _result(round_ref)
    if fmt == "json":
        sys.stdout.write(roundfile.result_json(result) + "\n")
    elif fmt == "csv":
        listings.emit(results.result_rows(result), "csv")
    else:
        show_result(result)


@round_app.command("import", help=t("Lưu một tệp cuộc lấy phiếu vào cơ sở dữ liệu."))
@reports_errors
def import_command(
    path: Path = typer.Argument(..., callback=existing, dir_okay=False, help=t("Tệp cuộc lấy phiếu.")),
    code: str = typer.Option(None, help=t("Mã đặt cho cuộc lấy phiếu.")),
) -> None:
    """Store a round file."""
    new_code = rounds.import_round_file(_uow(), path, code=code, actor="cli")
    out.print(t("Đã lưu cuộc lấy phiếu: {new_code}", new_code=new_code))


@round_app.command("create", help=t("Tạo cuộc lấy phiếu từ các bảng tính của văn phòng."))
@reports_errors
def create_command(
    meta: Path = typer.Argument(..., callback=existing, dir_okay=False, help=t("Tệp thông tin cuộc lấy "
                                                                         "phiếu (bộ quy tắc, cơ "
                                                                         "quan, tiêu đề, ngày, hội "
                                                                         "nghị, Ban kiểm phiếu).")),
    subjects: Path = typer.Option(..., callback=existing, help=t("Danh sách người được lấy phiếu "
                                                           "(XLSX/CSV: Họ và tên, Chức vụ, Nhóm).")),
    delegates: Path = typer.Option(None, callback=existing, help=t("Danh sách đại biểu (XLSX/CSV: Họ và "
                                                             "tên, Đơn vị).")),
    exemptions: Path = typer.Option(None, callback=existing, help=t("Người không lấy phiếu (XLSX/CSV: Họ "
                                                              "và tên, Chức vụ, Lý do, Ghi chú).")),
    code: str = typer.Option(None, help=t("Mã đặt cho cuộc lấy phiếu.")),
) -> None:
    """Create a round from the office's spreadsheets."""
    from tinnhiem.office.spreadsheets import round_from_office_files

    round_, people = round_from_office_files(roundfile.load(meta), subjects, delegates, exemptions)
    new_code = rounds.create_round(_uow(), round_, people, code=code, actor="cli")
    if round_.conference.convened is None and people:
        out.print(t("Số được triệu tập: {count} (số đại biểu trong danh sách; sửa bằng tinnhiem round figures).",
                    count=len(people)))
    for group in rounds.namesakes(people):  # said at import: check-in must tell them apart
        out.print(t("Chú ý: {count} đại biểu trùng tên {name}: {numbers}", count=len(group), name=group[0][1].name,
                    numbers="; ".join(f"{t('số')} {n}" + (f" ({', '.join(x for x in (d.unit, d.detail) if x)})"
                                                   if d.unit or d.detail else "") for n, d in group)),
                  style="bold yellow")
    out.print(t("Đã tạo cuộc lấy phiếu {new_code}: {subjects_count} người được lấy phiếu, "
                "{exemptions_count} không lấy phiếu, {people_count} đại biểu.",
                new_code=new_code, subjects_count=len(round_.subjects), exemptions_count=len(round_.exemptions), people_count=len(people)))


@round_app.command("show", help=t("Xem những gì đã nhập của một cuộc lấy phiếu (trước khi kiểm phiếu)."))
@reports_errors
def show_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    as_json: bool = typer.Option(False, "--json", help=t("In dạng JSON.")),
    as_csv: bool = typer.Option(False, "--csv", help=t("In dạng CSV (mở được bằng Excel).")),
) -> None:
    """What a round holds: facts, figures, subjects, exemptions."""
    from tinnhiem.cli import listings, results

    fmt = _listing_format(as_json, as_csv)
    uow = _uow()
    round_, _ = rounds.load(uow, code)
    people = rounds.delegates(uow, code)
    if fmt == "json":
        facts = {"code": code, "facts": dict(results.round_facts(round_, people)), "subjects": [
            row for row in results.round_rows(round_)]}
        sys.stdout.write(json.dumps(facts, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        listings.emit(results.round_rows(round_), "csv")
    else:
        listings.console().print(results.round_view(code, round_, people))


@round_app.command("figures", help=t("Ghi hoặc sửa số liệu hội nghị (có ghi nhật ký); sau khi kiểm phiếu xong "
                                      "chỉ ghi được số còn trống."))
@reports_errors
def figures_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    convened: int = typer.Option(None, min=0, help=t("Số được triệu tập.")),
    present: int = typer.Option(None, min=0, help=t("Số có mặt.")),
    ballots_issued: int = typer.Option(None, min=0, help=t("Số phiếu phát ra.")),
    ballots_returned: int = typer.Option(None, min=0, help=t("Số phiếu thu về.")),
) -> None:
    """Write or correct the conference figures (audited)."""
    given = {"convened": convened, "present": present, "ballots_issued": ballots_issued,
             "ballots_returned": ballots_returned}
    after = rounds.correct_figures(_uow(), code, {k: v for k, v in given.items() if v is not None}, actor="cli")
    for label, value in _figure_lines(after):
        out.print(f"{label}: {value}")


def _figure_lines(round_: Round) -> list[tuple[str, str]]:
    conf, blank = round_.conference, t("(chưa ghi)")
    return [(t(label), blank if value is None else str(value)) for label, value in (
        ("Số được triệu tập", conf.convened), ("Số có mặt", conf.present),
        ("Số phiếu phát ra", conf.ballots_issued), ("Số phiếu thu về", conf.ballots_returned))]


@round_app.command("template", help=t("Ghi tệp thông tin mẫu (có chú thích) và các bảng tính mẫu."))
@reports_errors
def template_command(
    folder: Path = typer.Argument(Path("."), file_okay=False, help=t("Thư mục ghi tệp mẫu.")),
    force: bool = typer.Option(False, "--force", help=t("Ghi đè tệp đã có.")),
) -> None:
    """Write a commented example of the round files."""
    from tinnhiem.testing.examples import write_examples

    for path in write_examples(folder, overwrite=force):
        out.print(str(path))
    out.print(t("Sửa thong-tin.yaml và các bảng tính, rồi chạy: tinnhiem round create "
                "thong-tin.yaml --subjects danh-sach.xlsx --delegates dai-bieu.xlsx --exemptions "
                "khong-lay-phieu.xlsx"))


FORMAT_OPTIONS = {
    "as_json": typer.Option(False, "--json", help=t("In dạng JSON.")),
    "as_csv": typer.Option(False, "--csv", help=t("In dạng CSV (mở được bằng Excel).")),
}


def _listing_format(as_json: bool, as_csv: bool) -> str | None:
    if as_json and as_csv:
        raise InvalidInput("unknown-value", field="--json/--csv", value="--json --csv", choices="--json, --csv")
    return "json" if as_json else "csv" if as_csv else None


@app.command("rounds", help=t("Các cuộc lấy phiếu đã lưu."))
@reports_errors
def rounds_command(as_json: bool = FORMAT_OPTIONS["as_json"], as_csv: bool = FORMAT_OPTIONS["as_csv"]) -> None:
    """The stored rounds."""
    from tinnhiem.cli import listings

    found = rounds.listing(_uow())
    fmt = _listing_format(as_json, as_csv)
    if fmt:
        return listings.emit(listings.round_rows(found), fmt)
    screen = listings.console()
    screen.print(listings.rounds_table(found, screen.width))


@app.command("count", help=t("Nhập kết quả kiểm phiếu giấy hai lần, do hai thành viên độc lập."))
@reports_errors
def count_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
) -> None:
    """Double entry of paper totals."""
    result = double_entry(_uow(), code, out)
    show_result(result)


@app.command("documents", help=t("Ghi biên bản (PDF, DOCX), bảng kết quả (XLSX) và thông báo."))
@reports_errors
def documents_command(
    round_ref: str = typer.Argument(..., metavar="ROUND", help=t("Tệp hoặc mã cuộc lấy phiếu.")),
    folder: Path = typer.Option(None, "--out", help=t("Thư mục ghi tệp.")),
) -> None:
    """Write minutes, results and announcement."""
    result = _result(round_ref)
    stem = Path(round_ref).stem if Path(round_ref).is_file() else round_ref
    paper, election = minutes_extras(round_ref, result)
    for path in write_documents(result, folder or home() / "documents", stem, paper, election).values():
        out.print(str(path))


@app.command("history", help=t("Kết quả của một người qua các lần lấy phiếu."))
@reports_errors
def history_command(
    name: str = typer.Argument(..., help=t("Họ và tên (gõ có dấu hay không dấu đều được) hoặc mã "
                                           "cán bộ.")),
    as_json: bool = FORMAT_OPTIONS["as_json"], as_csv: bool = FORMAT_OPTIONS["as_csv"],
) -> None:
    """A person's results across rounds."""
    from tinnhiem.cli import listings

    items = rounds.history(_uow(), name)
    fmt = _listing_format(as_json, as_csv)
    if fmt:
        return listings.emit(listings.history_rows(items), fmt)
    screen = listings.console()
    screen.print(listings.history_table(name, items, screen.width))


@app.command("verify", help=t("Kiểm tra lại toàn bộ hồ sơ: mọi phép kiểm tra của protocol.md §12."))
def verify_command(
    record: Path = typer.Argument(..., callback=existing, dir_okay=False, help=t("Hồ sơ công khai (JSON) "
                                                                           "của cuộc lấy phiếu "
                                                                           "điện tử.")),
    workers: int = typer.Option(0, help=t("Số tiến trình (0: mọi lõi).")),
    as_json: bool = typer.Option(False, "--json", help=t("Kết quả dạng JSON cho máy đọc.")),
    as_csv: bool = typer.Option(False, "--csv", help=t("Kết quả dạng CSV (mở được bằng Excel): kết luận, rồi mỗi "
                                                       "phép kiểm tra một dòng.")),
    receipt: list[Path] = typer.Option([], "--receipt", callback=existing,
                                       help=t("Biên nhận phiếu (tinnhiem-receipt/1) cần đối chiếu với hồ sơ; "
                                              "lặp lại cho mỗi tệp.")),
    election: str = typer.Option("", "--election", help=t("Mã nhận dạng cuộc bầu E (64 chữ số hex) hiện trên "
                                                           "điện thoại, màn chiếu và biên bản: hồ sơ phải là "
                                                           "cuộc bầu đó.")),
) -> None:
    """Re-check a public record (§12) — with --election, that it is the election the hall showed — and each
    receipt given against it (checks `receipt-election`, `receipt`); --json or --csv for programs and Excel."""
    from tinnhiem.cli import listings
    from tinnhiem.cli.verify import check_rows, election_argument, read_receipts, receipt_notes, verify_file
    from tinnhiem.crypto.errors import VerificationError

    if as_json and as_csv:
        raise typer.BadParameter(t("Chọn một: --json hoặc --csv."), param_hint="--json/--csv")
    try:
        expected = election_argument(election) if election else None
    except ValueError:
        raise typer.BadParameter(t("E phải là 64 chữ số hex."), param_hint="--election") from None
    try:
        receipts = read_receipts(tuple(receipt))
        verified = verify_file(record, workers or None, receipts, expected)
        notes = receipt_notes(record, receipts) if receipts else []
    except VerificationError as error:
        if as_csv:
            listings.emit(check_rows(None, (error.code, message(error, "vi"))), "csv")
        elif as_json:
            verdict = {"valid": False, "check": error.code, "message": message(error, "vi"),
                       "message_en": message(error, "en")}
            text = json.dumps(verdict, ensure_ascii=False)
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate echoed from the record: only escapes can carry it
                text = json.dumps(verdict)
            typer.echo(text)
        else:
            err.print(f"[bold red]KHÔNG HỢP LỆ / INVALID[/] — {error.code}\n{escape(bilingual(error))}", highlight=False)
        raise typer.Exit(EXIT_CODES[TinnhiemError]) from None
    if as_csv:
        listings.emit(check_rows(verified, None, tuple(receipt), notes), "csv")
        return
    if as_json:
        typer.echo(json.dumps({"valid": True, "ballots": verified.ballots, "spoiled": verified.spoiled,
                               "subjects": verified.subjects, "decrypting_members": list(verified.decrypting_members),
                               "counts": [list(c) for c in verified.counts], "empty": list(verified.empty),
                               "receipts": [{"file": p.name, "code": None if r is None else r.code, "finding": note}
                                            for p, r, note in zip(receipt, receipts, notes, strict=True)]}))
        return
    for path, note in zip(receipt, notes, strict=True):
        if note == "in-record":
            out.print(t("Biên nhận {file}: phiếu có trong hồ sơ.", file=path.name))
        else:
            err.print(t("Biên nhận {file} không hợp lệ (không đúng định dạng biên nhận hoặc chữ ký sai): nó không "
                        "chứng minh được gì.", file=path.name))
    out.print(t("HỢP LỆ: {ballots} phiếu, {spoiled} phiếu hủy để kiểm tra, {subjects} người; giải "
                "mã bởi thành viên {list}.",
                ballots=verified.ballots, spoiled=verified.spoiled, subjects=verified.subjects, list=list(verified.decrypting_members)), style="bold green")


@paper_app.command("print", help=t("In phiếu tín nhiệm (PDF, A4)."))
@reports_errors
def paper_print_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    large: bool = typer.Option(False, "--large", help=t("Chữ lớn.")),
    out_file: Path = typer.Option(None, "--out", help=t("Tệp PDF ghi ra.")),
) -> None:
    """Print the ballots (PDF, A4)."""
    from tinnhiem.paper.layout import LARGE, REGULAR
    from tinnhiem.paper.printing import ballot_pdf

    round_, _ = rounds.load(_uow(), code)
    path = out_file or home() / "documents" / f"{code}-phieu{'-chu-lon' if large else ''}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ballot_pdf(round_, code, LARGE if large else REGULAR))
    out.print(str(path))


@paper_app.command("scan", help=t("Đọc phiếu từ ảnh quét; giữ ảnh gốc."))
@reports_errors
def paper_scan_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    files: list[Path] = typer.Argument(..., callback=existing, dir_okay=False, help=t("Ảnh quét: PDF "
                                                                                "nhiều trang, PNG, "
                                                                                "JPEG.")),
) -> None:
    """Read ballots from scans; the originals are kept."""
    from tinnhiem.cli.paper import scan
    from tinnhiem.storage.files import ImageFiles

    stored, seen, review = scan(_uow(), ImageFiles(home() / "scans"), code, list(files), out)
    out.print(t("Đã đọc {stored} tờ phiếu ({seen} tờ đã có từ trước); {review} tờ cần Ban kiểm "
                "phiếu xem xét.", stored=stored, seen=seen, review=review))


@paper_app.command("review", help=t("Ban kiểm phiếu quyết định các phiếu, các dòng chưa chắc."))
@reports_errors
def paper_review_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    member: str = typer.Option(..., help=t("Thành viên Ban kiểm phiếu quyết định.")),
) -> None:
    """The committee decides what is unsure."""
    from tinnhiem.cli.paper import review
    from tinnhiem.storage.files import ImageFiles

    decided = review(_uow(), ImageFiles(home() / "scans"), code, member, home() / "review" / code, out)
    out.print(t("Đã quyết định {decided} mục.", decided=decided))


@paper_app.command("withdraw", help=t("Rút một tờ phiếu khỏi việc kiểm phiếu, có lý do."))
@reports_errors
def paper_withdraw_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    sheet: int = typer.Argument(..., help=t("Số tờ phiếu (như «paper review» ghi).")),
    reason: str = typer.Option(..., help=t("Lý do (ghi vào biên bản).")),
    member: str = typer.Option(..., help=t("Thành viên Ban kiểm phiếu.")),
) -> None:
    """Withdraw a sheet from the count, with a reason."""
    from tinnhiem.paper.counting import withdraw_sheet

    withdraw_sheet(_uow(), code, sheet, reason=reason, member=member)
    out.print(t("Đã rút tờ phiếu {sheet}: {reason}", sheet=sheet, reason=reason))


@paper_app.command("place", help=t("Định vị bằng tay một tờ phiếu máy không tìm thấy."))
@reports_errors
def paper_place_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    sheet: int = typer.Argument(..., help=t("Số tờ phiếu.")),
    corners: list[str] = typer.Argument(..., metavar="X,Y", help=t("Tâm bốn ô vuông đen ở góc, "
                                                                   "theo điểm ảnh của ảnh gốc (thứ "
                                                                   "tự bất kỳ).")),
    member: str = typer.Option(..., help=t("Thành viên Ban kiểm phiếu.")),
) -> None:
    """Place by hand a sheet the reader could not find."""
    from tinnhiem.cli.paper import forms
    from tinnhiem.paper.counting import place_sheet
    from tinnhiem.storage.files import ImageFiles

    try:
        points = [tuple(float(v) for v in corner.split(",")) for corner in corners]
    except ValueError:
        raise InvalidInput("bad-corners", field="corners") from None
    if any(len(p) != 2 for p in points):
        raise InvalidInput("bad-corners", field="corners")
    uow = _uow()
    placed = place_sheet(uow, ImageFiles(home() / "scans"), code, forms(uow, code), sheet,
                         [(p[0], p[1]) for p in points], member=member)
    out.print(t("Đã đọc lại tờ phiếu; hãy xác nhận bằng «paper review».") if placed else
              t("Vẫn không nhận ra mẫu phiếu ở bốn góc này."))


@paper_app.command("export", help=t("Xuất mọi tờ phiếu, mọi dòng đã đọc và quyết định (JSON hoặc CSV)."))
@reports_errors
def paper_export_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    as_json: bool = typer.Option(True, "--json", help=t("Xuất JSON.")),
    as_csv: bool = typer.Option(False, "--csv", help=t("Xuất CSV: một dòng cho mỗi dòng phiếu đã đọc.")),
    out_file: Path = typer.Option(None, "--out", help=t("Tệp ghi ra (mặc định: màn hình).")),
) -> None:
    """Export every sheet and row read (JSON, or CSV one line per row)."""
    import csv
    import io

    from tinnhiem.paper.counting import export

    exported = export(_uow(), code)
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["sheet", "file", "page", "form", "decision", "row", "subject", "read", "read_level",
                         "state", "level", "decided_by"])
        for sheet in exported["sheets"]:  # type: ignore[attr-defined]
            head = [sheet["id"], sheet["file"], sheet["page"], sheet["form"], sheet["decision"]]
            for row in sheet["rows"] or [{}]:
                writer.writerow([*head, *(row.get(k, "") for k in ("row", "subject", "read", "read_level", "state",
                                                                   "level", "decided_by"))])
        text = "\ufeff" + buffer.getvalue()
    else:
        text = json.dumps(exported, ensure_ascii=False, indent=1) + "\n"
    if out_file:
        out_file.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@paper_app.command("count", help=t("Cộng các phiếu giấy đã đọc vào kết quả (kênh phiếu giấy)."))
@reports_errors
def paper_count_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    member: str = typer.Option("", help=t("Người thực hiện.")),
) -> None:
    """Add the read paper ballots to the result."""
    from tinnhiem.cli.paper import forms
    from tinnhiem.paper.counting import count_paper

    uow = _uow()
    count_paper(uow, code, forms(uow, code), member)
    show_result(rounds.count(uow, code))


@paper_app.command("audit", help=t("Kiểm tra đối chiếu máy đọc với phiếu giấy (giới hạn rủi ro)."))
@reports_errors
def paper_audit_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    member: str = typer.Option(..., help=t("Thành viên Ban kiểm phiếu.")),
    risk_limit: str = typer.Option("", "--risk-limit", help=t("Giới hạn rủi ro, phần trăm (ví dụ 5); chỉ "
                                                               "khi bắt đầu.")),
    seed: str = typer.Option("", help=t("Số ngẫu nhiên: ít nhất 20 chữ số từ xúc xắc gieo công khai; chỉ "
                                        "khi bắt đầu.")),
    read: bool = typer.Option(False, "--read", help=t("Nhập những gì đọc được trên các tờ đã rút.")),
    stack: str = typer.Option("", "--stack", help=t("Mã chồng phiếu đã kiểm (SHA-256) bạn đã xem; chỉ khi bắt "
                                                    "đầu. Bỏ trống: chồng phiếu như hiện nay (mã được in ra).")),
) -> None:
    """A risk-limiting audit of the paper count."""
    from tinnhiem.cli.paper import read_audit, show_audit
    from tinnhiem.paper import audit
    from tinnhiem.reports.content import grouped

    uow = _uow()
    view = audit.view(uow, code)
    if view is None or risk_limit or seed:
        seen = stack or audit.counted_stack_hash(uow, code)
        view = audit.start(uow, code, risk_limit, seed, member=member, seen_stack=seen)
        out.print(t("Mã chồng phiếu đã kiểm (SHA-256): {stack}", stack=grouped("".join(seen.split()))))
    if read:
        view = read_audit(uow, code, member, out)
    show_audit(view, out)


@paper_app.command("audit-check", help=t("Tự kiểm tra tệp kiểm tra đối chiếu tải từ máy chủ: tính lại mọi thứ "
                                         "từ chính tệp đó."))
def paper_audit_check_command(
    file: Path = typer.Argument(..., metavar="FILE", callback=existing, dir_okay=False,
                                help=t("Tệp kiểm tra đối chiếu (tinnhiem-audit/1) tải từ trang kiểm tra đối chiếu.")),
    stack: str = typer.Option("", "--stack", help=t("Mã chồng phiếu bạn đã ghi trên trang trước khi bắt đầu: "
                                                    "chồng phiếu trong tệp phải có đúng mã này.")),
) -> None:
    """Recompute the paper audit from the downloaded file alone; exit 1 on any difference."""
    from tinnhiem.cli.audit_check import show_audit_check

    if not show_audit_check(file, out, stack or None):
        raise typer.Exit(1)


@app.command("checkin", help=t("Ghi nhận đại biểu có mặt và hình thức bỏ phiếu (chỉ một)."))
@reports_errors
def checkin_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    delegate: str = typer.Argument(..., help=t("Số thứ tự trong danh sách, hoặc họ tên đại biểu (gõ không dấu "
                                               "cũng được).")),
    electronic: bool = typer.Option(False, "--electronic/--paper", help=t("Bỏ phiếu điện tử hay "
                                                                          "nhận phiếu giấy (mặc định).")),
) -> None:
    """Record presence and the (one) channel; several delegates of that name are refused, with their numbers."""
    channel = "electronic" if electronic else "paper"
    person, listing = rounds.check_in_typed(_uow(), code, delegate, channel, actor="cli")
    said = {"electronic": t("bỏ phiếu điện tử: phát cho đại biểu một thẻ bỏ phiếu"),
            "paper": t("phiếu giấy: phát cho đại biểu một phiếu giấy")}
    out.print(t("Đã ghi nhận {who} — {channel}.", who=rounds.describe(person), channel=said[channel]))
    out.print(t("Có mặt {present}/{convened}.", present=listing.present, convened=listing.convened))


@app.command("electronic", help=t("Kiểm tra hồ sơ điện tử rồi cộng vào kết quả (kênh điện tử)."))
@reports_errors
def electronic_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    record: Path = typer.Argument(..., callback=existing, dir_okay=False, help=t("Hồ sơ công khai.")),
) -> None:
    """Verify a record and add it to the result."""
    from tinnhiem.cli.verify import verify_file
    from tinnhiem.services.electronic import record_electronic

    data = _json_file(record)
    record_electronic(_uow(), code, data, verify_file(record))
    show_result(rounds.count(_uow(), code))


ON_HALL_SERVER = typer.Option(False, "--on-hall-server", help=t("Cho phép mở khóa của thành viên trên máy chủ hội "
                                                                 "trường (không nên: ai quản trị máy chủ có thể "
                                                                 "lấy khóa)."))


def _refuse_on_hall_server(allowed: bool, alternative: str) -> None:
    """The hall's commands do not unlock or make a member's key on the hall's machine unless told to (and say why)."""
    if not allowed:
        raise InvalidInput("key-on-hall-server", field="--on-hall-server", alternative=alternative)


@committee_app.command("setup", help=t("Tạo khóa chung ngay trên máy này (mọi phần khóa qua một máy; cách an toàn "
                                       "hơn: lễ tạo khóa trên thiết bị của từng thành viên)."))
@reports_errors
def committee_setup_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    member: list[str] = typer.Option(..., help=t("Thành viên Ban kiểm phiếu (lặp lại).")),
    threshold: int = typer.Option(..., help=t("Số thành viên cần để giải mã.")),
    folder: Path = typer.Option(None, "--out", help=t("Thư mục ghi tệp khóa.")),
    on_hall_server: bool = ON_HALL_SERVER,
) -> None:
    """Joint key; one locked file per member."""
    from tinnhiem.cli.hall import setup

    _refuse_on_hall_server(on_hall_server, "/committee/r/ROUND/ceremony")
    for path in setup(_uow(), code, member, threshold, folder or home() / "keys"):
        out.print(str(path))


@committee_app.command("decrypt", help=t("Giải mã phần của thành viên trên máy riêng, từ hồ sơ đã đóng bỏ phiếu: kiểm "
                                         "tra mọi phiếu, số phiếu và chữ ký xác nhận, tự tính tổng rồi mới hỏi mật "
                                         "khẩu. (Với mã cuộc lấy phiếu thay cho tệp: giải mã ngay trên máy chủ hội "
                                         "trường, cần --on-hall-server.)"))
@reports_errors
def committee_decrypt_command(
    target: str = typer.Argument(..., metavar="RECORD-FILE", help=t("Hồ sơ công khai tải về khi đã đóng bỏ phiếu.")),
    key: list[Path] = typer.Option(..., callback=existing, help=t("Tệp khóa của một thành viên (lặp lại).")),
    folder: Path = typer.Option(None, "--out", help=t("Thư mục ghi tệp phần giải mã (để nộp cho hội trường).")),
    on_hall_server: bool = ON_HALL_SERVER,
) -> None:
    """Check the closed record, recompute the sums, decrypt only those."""
    from tinnhiem.cli.hall import decrypt, decrypt_record, write_record

    if Path(target).is_file():
        if folder is None:
            raise InvalidInput("shares-folder", field="--out")
        for path in decrypt_record(Path(target), key, folder, out):
            out.print(str(path))
        return
    _refuse_on_hall_server(on_hall_server, "tinnhiem committee decrypt RECORD-FILE")
    record = decrypt(_uow(), target, key)
    write_record(record, home() / "documents" / f"{target}-ho-so-cong-khai.json", out)
    show_result(rounds.count(_uow(), target))


@committee_app.command("sign", help=t("Ký xác nhận kết thúc bỏ phiếu trên máy riêng, từ hồ sơ đã đóng: máy tự đếm "
                                      "số phiếu để so với màn chiếu rồi mới hỏi mật khẩu."))
@reports_errors
def committee_sign_command(
    record_file: Path = typer.Argument(..., metavar="RECORD-FILE", callback=existing,
                                       help=t("Hồ sơ công khai tải về khi đã đóng bỏ phiếu.")),
    key: list[Path] = typer.Option(..., callback=existing, help=t("Tệp khóa của một thành viên (lặp lại).")),
    folder: Path = typer.Option(..., "--out", help=t("Thư mục ghi tệp chữ ký (để nộp cho hội trường).")),
) -> None:
    """Sign the closing statement this laptop recomputed."""
    from tinnhiem.cli.hall import sign_closing

    confirm = functools.partial(typer.confirm, t("Các con số này trùng với màn chiếu và biên bản?"))
    for path in sign_closing(record_file, key, folder, out, confirm):
        out.print(str(path))


@committee_app.command("submit", help=t("Nộp các tệp chữ ký xác nhận hoặc phần giải mã của thành viên cho hội trường; đủ "
                                        "số thành viên thì có kết quả."))
@reports_errors
def committee_submit_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    files: list[Path] = typer.Argument(..., callback=existing, help=t("Tệp phần giải mã.")),
) -> None:
    """Submit members' decryption shares."""
    from tinnhiem.cli.hall import submit_shares, write_record
    from tinnhiem.services import record

    if submit_shares(_uow(), code, files) == "tallied":
        write_record(record.public_record(_uow(), code), home() / "documents" / f"{code}-ho-so-cong-khai.json", out)
        show_result(rounds.count(_uow(), code))
    else:
        out.print(t("Đã nhận. Chờ đủ số thành viên."))


@cards_app.command("election", help=t("Xuất tệp cuộc bỏ phiếu (công khai) để Ban kiểm phiếu làm thẻ trên máy riêng."))
@reports_errors
def cards_election_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    file: Path = typer.Option(None, "--out", help=t("Tệp ghi ra.")),
) -> None:
    """Export the election file (tinnhiem-election/1)."""
    from tinnhiem.services import cards

    path = file or home() / "documents" / f"{code}-cuoc-bo-phieu.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cards.election_file(_uow(), code), ensure_ascii=False, indent=1), encoding="utf-8")
    out.print(str(path))
    out.print(t("Trên máy của Ban kiểm phiếu: tinnhiem cards make {file} --count SỐ-THẺ --key TỆP-KHÓA --key … "
                "--out THƯ-MỤC --title \"{title}\"", file=path.name, title=rounds.load(_uow(), code)[0].title))


@cards_app.command("make",
    help=t("Làm thẻ trên máy của Ban kiểm phiếu, từ tệp cuộc bỏ phiếu (không cần cơ sở dữ liệu của hội trường): "
           "tệp in thẻ (PDF) và danh sách công khai có chữ ký của các thành viên."))
@reports_errors
def cards_make_command(
    election: Path = typer.Argument(..., metavar="ELECTION-FILE", callback=existing,
                                    help=t("Tệp cuộc bỏ phiếu xuất từ hội trường (tinnhiem cards election).")),
    count: int = typer.Option(..., help=t("Số thẻ cần in (số đại biểu bỏ phiếu điện tử, thêm vài "
                                          "thẻ dự phòng).")),
    key: list[Path] = typer.Option(..., callback=existing,
                                   help=t("Tệp khóa của một thành viên ký danh sách thẻ (lặp lại; ít nhất k).")),
    folder: Path = typer.Option(..., "--out", help=t("Thư mục ghi tệp (trên máy của Ban kiểm phiếu).")),
    address: str = typer.Option("http://192.168.1.10:8000", help=t("Địa chỉ máy chủ trong hội "
                                                                   "trường.")),
    wifi: str = typer.Option("", help=t("Tên mạng Wi-Fi của hội trường.")),
    title: str = typer.Option("", help=t("Tên cuộc lấy phiếu in trên thẻ (mặc định: mã cuộc lấy phiếu).")),
) -> None:
    """Make and sign the cards: PDF + signed public file."""
    from tinnhiem.cli.hall import make_cards

    pdf, public = make_cards(election, count, key, address.rstrip("/"), wifi, folder, title)
    out.print(t("Thẻ để in (giữ kín, không đưa lên máy chủ): {pdf}", pdf=pdf))
    out.print(t("Tệp công khai cho Ban tổ chức tải lên: {public}", public=public))


@cards_app.command("upload", help=t("Tải danh sách thẻ công khai lên (trước khi mở bỏ phiếu)."))
@reports_errors
def cards_upload_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    file: Path = typer.Argument(..., callback=existing, dir_okay=False, help=t("Tệp công khai của Ban "
                                                                         "kiểm phiếu.")),
) -> None:
    """Upload the public card list (before voting opens)."""
    from tinnhiem.services import cards

    stored = cards.upload(_uow(), code, _json_file(file), actor="cli")
    out.print(t("Đã lưu {stored} thẻ.", stored=stored))


@cards_app.command("void", help=t("Hủy các thẻ không phát cho ai."))
@reports_errors
def cards_void_command(
    code: str = typer.Argument(..., metavar="ROUND", help=t("Mã cuộc lấy phiếu.")),
    card: list[str] = typer.Argument(..., help=t("Mã trên thẻ không phát (hoặc nội dung mã QR).")),
    member: str = typer.Option(..., "--member", help=t("Họ tên thành viên Ban kiểm phiếu hủy thẻ (chỉ Ban kiểm "
                                                       "phiếu được hủy thẻ).")),
) -> None:
    """Void the cards not handed out (a committee member's act)."""
    from tinnhiem.services import cards

    voided = cards.void(_uow(), code, cards.public_of(code, card), actor="cli", member=member)
    out.print(t("Đã hủy {voided} thẻ.", voided=voided))


@account_app.command("add", help=t("Thêm tài khoản; in mật khẩu một lần."))
@reports_errors
def account_add_command(
    login: str = typer.Argument(..., help=t("Tên đăng nhập (chữ thường không dấu).")),
    name: str = typer.Option(..., "--name", help=t("Họ và tên.")),
    admin: bool = typer.Option(False, "--admin", help=t("Quản trị: tạo cuộc lấy phiếu và tài khoản.")),
) -> None:
    """Add an account; its password is printed once."""
    from tinnhiem.services import accounts

    password = accounts.create(_uow(), login, name, admin=admin, actor="cli")
    out.print(t("Mật khẩu của {login} (chỉ in một lần): {password}", login=login.strip().lower(), password=password))


@account_app.command("password", help=t("Cấp mật khẩu mới (mọi phiên đăng nhập của tài khoản kết thúc)."))
@reports_errors
def account_password_command(login: str = typer.Argument(..., help=t("Tên đăng nhập."))) -> None:
    """A new password for an account (the admin's, when it is lost); every session of it ends."""
    from tinnhiem.services import accounts

    password = accounts.new_password_for(_uow(), login, actor="cli")
    out.print(t("Mật khẩu của {login} (chỉ in một lần): {password}", login=login, password=password))


@app.command("serve", help=t("Chạy máy chủ hội trường."))
@reports_errors
def serve_command(
    host: str = typer.Option("127.0.0.1", help=t("Địa chỉ lắng nghe (0.0.0.0: cả mạng hội trường).")),
    port: int = typer.Option(8000),
    workers: int = typer.Option(1, help=t("Số tiến trình (cần PostgreSQL nếu > 1).")),
    certfile: Path | None = typer.Option(None, "--certfile", callback=existing, dir_okay=False, help=t("Chứng "
                                                                                                 "chỉ "
                                                                                                 "TLS "
                                                                                                 "(PEM): "
                                                                                                 "phục "
                                                                                                 "vụ "
                                                                                                 "qua "
                                                                                                 "https.")),
    keyfile: Path | None = typer.Option(None, "--keyfile", callback=existing, dir_okay=False, help=t("Khóa "
                                                                                               "riêng "
                                                                                               "của "
                                                                                               "chứng "
                                                                                               "chỉ "
                                                                                               "(PEM).")),
) -> None:
    """Run the hall server."""
    import uvicorn

    from tinnhiem.domain.staff import FIRST_ADMIN
    from tinnhiem.web.settings import Settings

    if (certfile is None) != (keyfile is None):
        raise InvalidInput("tls-pair", field="--keyfile" if keyfile is None else "--certfile")
    from tinnhiem.services import accounts

    settings = Settings.from_env()
    scheme = "https" if certfile else "http"
    uow = SqlUnitOfWork(Database.open(settings.database()))
    accounts.ensure_first_admin(uow, settings.organiser_code)
    if accounts.first_admin_unchanged(uow, settings.organiser_code):  # once renewed, the code is not printed
        out.print(t("Ban tổ chức: {scheme}://{host}:{port}/admin — lần đầu đăng nhập: tài khoản {login}, mật khẩu "
                    "{organiser_code}", scheme=scheme, host=host, port=port, login=FIRST_ADMIN,
                    organiser_code=settings.organiser_code))
    else:
        out.print(t("Ban tổ chức: {scheme}://{host}:{port}/admin", scheme=scheme, host=host, port=port))
    run = functools.partial(uvicorn.run, "tinnhiem.web.app:create_app", factory=True, host=host, port=port,
                            workers=workers, log_level="warning", access_log=False,
                            timeout_keep_alive=KEEP_ALIVE_S)
    if certfile is not None and keyfile is not None:
        run(ssl_certfile=str(certfile), ssl_keyfile=str(keyfile))
    else:
        run()  # plain http: no ssl options at all


@app.command("demo", help=t("Chạy thử với một hội nghị giả định: lưu, kiểm phiếu, ghi biên bản."))
@reports_errors
def demo_command(
    folder: Path = typer.Option(None, "--out", help=t("Thư mục ghi tệp.")),
    serve: bool = typer.Option(False, "--serve", help=t("Rồi chạy máy chủ hội trường với cuộc bỏ "
                                                        "phiếu điện tử mẫu.")),
    port: int = typer.Option(8000),
) -> None:
    """Run the demo round end to end."""
    database = Database.open()
    out.print(t("Cơ sở dữ liệu: {url}", url=database.engine.url))
    result = demo.load_demo(SqlUnitOfWork(database))
    show_result(result)
    paths = write_documents(result, folder or home() / "documents", demo.DEMO_CODE)
    paths["record"] = paths["announcement"].with_name(f"{demo.DEMO_CODE}-ho-so-cong-khai.json")
    paths["record"].write_text(json.dumps(demo.demo_record(result), ensure_ascii=False), encoding="utf-8")
    out.print(t("Đã ghi:"))
    for path in paths.values():
        out.print(f"  {path}")
    out.print(t("Kiểm tra hồ sơ công khai: tinnhiem verify {record}", record=paths['record']))
    out.print(t("Lịch sử một người: tinnhiem history \"{name}\"", name=result.subjects[0].subject.name))
    if serve:
        from tinnhiem.paper.cards import cards_pdf
        from tinnhiem.testing.hall import prepare_hall

        address = f"http://127.0.0.1:{port}"
        code, key_files, card_set = prepare_hall(SqlUnitOfWork(database), home() / "keys")
        path = home() / "documents" / f"{code}-the-bo-phieu.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cards_pdf(rounds.load(SqlUnitOfWork(database), code)[0], code, card_set.secrets, address,
                                   "tinnhiem-hoi-truong"))
        out.print(t("Thẻ bỏ phiếu (không ghi tên; {secrets_count} thẻ, đã phát 53): {path}",
                    secrets_count=len(card_set.secrets), path=path))
        out.print(t("Ba thẻ để thử (mở địa chỉ bỏ phiếu rồi nhập mã):"))
        for secret in card_set.secrets[:3]:
            out.print(f"  {secret}    {address}/r/{code}/vote#card={secret}")
        out.print(t("Đại biểu: {address}/r/{code}/vote   Màn hình: {address}/r/{code}/screen",
                    address=address, code=code))
        out.print(t("Tệp khóa Ban kiểm phiếu (mật khẩu mẫu «mat-khau-mau-N»): {parent}", parent=key_files[0].parent))
        serve_command(host="127.0.0.1", port=port, workers=1, certfile=None, keyfile=None)


if __name__ == "__main__":  # pragma: no cover
    app()
