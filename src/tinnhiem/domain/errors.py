"""One error hierarchy; every message names the field and the subject, in Vietnamese and English.

Messages are written once, in ``MESSAGES`` (code -> (vi, en)), and formatted
with the error's parameters, so the command line, the web app and the tests
show the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

MESSAGES: Mapping[str, tuple[str, str]] = {
    "unknown-rule-set": (
        "Bộ quy tắc «{value}» không tồn tại; dùng một trong: {choices}.",
        "Unknown rule set “{value}”; use one of: {choices}.",
    ),
    "unknown-value": (
        "Giá trị «{value}» không hợp lệ; dùng một trong: {choices}.",
        "Invalid value “{value}”; use one of: {choices}.",
    ),
    "missing": ("Thiếu thông tin bắt buộc.", "A required value is missing."),
    "not-integer": (
        "Phải là số nguyên không âm, nhận được «{value}».",
        "Must be a whole number, zero or more; got “{value}”.",
    ),
    "not-text": ("Phải là một đoạn chữ, nhận được «{value}».", "Must be text; got “{value}”."),
    "not-date": (
        "Ngày «{value}» không đúng dạng NĂM-THÁNG-NGÀY (ví dụ 2025-12-10).",
        "Date “{value}” is not YEAR-MONTH-DAY (for example 2025-12-10).",
    ),
    "base-missing": (
        "Bộ quy tắc {rule_set} không quy định cơ sở tính tỷ lệ; hãy ghi rõ base "
        "(members, convened, present, ballots_issued hoặc ballots_returned).",
        "Rule set {rule_set} sets no base for percentages; state base "
        "(members, convened, present, ballots_issued or ballots_returned).",
    ),
    "base-value-missing": (
        "Cơ sở tính tỷ lệ là «{base}» nhưng con số này chưa được ghi.",
        "The base for percentages is “{base}” but that number is not given.",
    ),
    "base-zero": ("Cơ sở tính tỷ lệ phải lớn hơn 0.", "The base for percentages must be above 0."),
    "counts-keys": (
        "Số phiếu phải có đúng các mức {expected}, nhận được {got}.",
        "Counts must have exactly the levels {expected}; got {got}.",
    ),
    "counts-above-returned": (
        "Tổng số phiếu ({total}, kể cả {invalid} không hợp lệ) vượt số phiếu thu về ({limit}).",
        "The counts add up to {total} (with {invalid} invalid), more than the {limit} ballots returned.",
    ),
    "counts-above-base": (
        "Tổng số phiếu ({total}, kể cả {invalid} không hợp lệ) vượt cơ sở tính tỷ lệ ({limit}).",
        "The counts add up to {total} (with {invalid} invalid), more than the base ({limit}).",
    ),
    "conference-order": (
        "{field} ({value}) không được lớn hơn {other_field} ({other}).",
        "{field} ({value}) cannot exceed {other_field} ({other}).",
    ),
    "quorum-not-met": (
        "Không đủ số lượng cần thiết: có mặt {present}/{convened}, cần ít nhất {needed} "
        "(2/3 số được triệu tập, R-QUORUM).",
        "No quorum: {present} of {convened} present, at least {needed} needed "
        "(2/3 of those convened, R-QUORUM).",
    ),
    "note-required": (
        "Lý do «other» (khác) phải kèm ghi chú giải thích.",
        "Reason “other” needs a note that explains it.",
    ),
    "reason-not-in-rule-set": (
        "Lý do «{value}» không có trong bộ quy tắc {rule_set}; dùng một trong: {choices}.",
        "Reason “{value}” is not in rule set {rule_set}; use one of: {choices}.",
    ),
    "duplicate-subject": (
        "Người này đã có trong danh sách (dòng {first}).",
        "This person is already on the list (entry {first}).",
    ),
    "exempt-and-subject": (
        "Người này vừa được lấy phiếu vừa thuộc diện không lấy phiếu.",
        "This person is both voted on and exempted.",
    ),
    "committee-is-subject": (
        "Thành viên Ban kiểm phiếu không được là người được lấy phiếu (R-COMMITTEE).",
        "A counting committee member cannot be voted on in the same round (R-COMMITTEE).",
    ),
    "no-subjects": ("Danh sách người được lấy phiếu đang trống.", "The list of subjects is empty."),
    "entries-differ": (
        "Hai lần nhập chưa khớp ở {count} người; chưa lưu gì.",
        "The two entries differ for {count} subject(s); nothing was saved.",
    ),
    "round-not-found": (
        "Không tìm thấy cuộc lấy phiếu «{value}».",
        "No vote round “{value}” was found.",
    ),
    "person-not-found": ("Không tìm thấy người nào tên «{value}».", "Nobody named “{value}” was found."),
    "person-ambiguous": (
        "Có {count} người khớp với «{value}»; hãy gõ mã cán bộ (hoặc họ tên có dấu đầy đủ) của người cần xem:{choices}",
        "{count} people match “{value}”; type the person code (or the full name with diacritics) you mean:{choices}",
    ),
    "no-counts": (
        "Cuộc lấy phiếu chưa có kết quả kiểm phiếu.",
        "This round has no counted totals yet.",
    ),
    "file-unreadable": ("Không đọc được tệp: {reason}", "Cannot read the file: {reason}"),
    "file-exists": ("Tệp đã có; không ghi đè (thêm --force để ghi đè).", "The file exists; not overwritten (add --force)."),
    "too-many-rows": (
        "Danh sách dài hơn {limit} dòng, nhiều hơn mọi hội nghị thực tế; chưa đọc hết và không lưu gì. "
        "Kiểm tra lại tệp (có thể chọn nhầm tệp hay nhầm trang tính đầu tiên).",
        "The list is longer than {limit} rows, more than any real body; it was not read to the end and "
        "nothing was stored. Check the file (perhaps the wrong file, or the wrong first sheet).",
    ),
    "header-not-found": (
        "Không tìm thấy dòng tiêu đề có cột «{value}» trong {rows} dòng đầu của trang tính đầu tiên.",
        "No header row with a “{value}” column in the first {rows} rows of the first sheet.",
    ),
    "legacy-text": (
        "Ô này có chữ «{value}» không đọc được: có lẽ được gõ bằng bảng mã cũ (TCVN3/ABC hay VNI) "
        "lẫn với chữ khác. Hãy chuyển cả bảng tính sang Unicode (Unikey: Công cụ chuyển mã, Ctrl+Shift+F6; "
        "hoặc gõ lại ô này) rồi lưu lại.",
        "This cell's text “{value}” cannot be read: probably typed in an old encoding (TCVN3/ABC or VNI) "
        "mixed with other text. Convert the whole sheet to Unicode (Unikey's converter, Ctrl+Shift+F6; "
        "or retype this cell) and save again.",
    ),
    "column-missing": (
        "Thiếu cột «{value}» ở dòng tiêu đề.",
        "The header row has no “{value}” column.",
    ),
    "font-missing-glyphs": (
        "Phông chữ {font} thiếu các ký tự: {chars}. Cài gói fonts-liberation2 hoặc đặt TINNHIEM_FONT_DIR.",
        "Font {font} lacks the characters: {chars}. Install fonts-liberation2 or set TINNHIEM_FONT_DIR.",
    ),
    "wrong-passphrase": (
        "Sai mật khẩu, hoặc tệp khóa đã bị sửa.",
        "Wrong passphrase, or the key file was altered.",
    ),
    "key-file-unreadable": ("Tệp khóa không đọc được: {reason}", "The key file cannot be read: {reason}"),
    "sealed-share": (
        "Không mở được phần khóa gửi cho thành viên này.",
        "The key share sent to this member cannot be opened.",
    ),
    "two-channels": (
        "Đại biểu «{value}» đã bỏ phiếu bằng hình thức {channel}; không thể nhận thêm phiếu khác.",
        "Delegate “{value}” already votes by {channel}; no second ballot can be issued.",
    ),
    "checked-in-other-channel": (
        "Đại biểu «{value}» đã được ghi nhận có mặt ({channel_vi}); mỗi đại biểu chỉ một hình thức. "
        "Nếu ghi nhầm, bấm «Hoàn tác» rồi ghi lại.",
        "Delegate “{value}” is already checked in ({channel_en}); one channel per delegate. "
        "If that was a mistake, press “Undo” and check them in again.",
    ),
    "delegate-not-found": ("Không có đại biểu «{value}» trong danh sách.", "No delegate “{value}” on the list."),
    "paper-pending": (
        "Còn {count} phiếu hoặc dòng chờ Ban kiểm phiếu quyết định.",
        "{count} sheet(s) or row(s) still wait for the committee's decision.",
    ),
    "not-a-committee-member": (
        "«{value}» không có tên trong Ban kiểm phiếu của cuộc lấy phiếu này; thành viên: {choices}.",
        "“{value}” is not on this round's counting committee; members: {choices}.",
    ),
    "reason-required": ("Cần ghi rõ lý do.", "A reason is required."),
    "sheet-unplaced": (
        "Tờ phiếu {sheet} chưa được định vị: hãy đánh dấu bốn góc, hoặc quyết định phiếu không hợp lệ.",
        "Sheet {sheet} is not placed: mark its four corners, or decide that it is void.",
    ),
    "too-many-sheets": (
        "Có {sheets} tờ phiếu loại «{sheet}» nhưng chỉ {issued} phiếu giấy được phát.",
        "{sheets} sheets of “{sheet}” were scanned but only {issued} paper ballots were issued.",
    ),
    "record-mismatch": (
        "Hồ sơ điện tử không thuộc cuộc lấy phiếu này (mã hoặc danh sách người khác).",
        "The electronic record is not this round's (its code or list of subjects differs).",
    ),
    "bad-code": (
        "Mã đăng nhập không đúng. Hãy xem lại thẻ đại biểu.",
        "The sign-in code is wrong. Please check the delegate card.",
    ),
    "too-many-attempts": (
        "Nhập sai quá nhiều lần. Hãy chờ {minutes} phút hoặc gặp Ban tổ chức.",
        "Too many wrong codes. Wait {minutes} minutes or ask the organisers.",
    ),
    "already-voted": (
        "Đại biểu đã bỏ phiếu rồi; mỗi đại biểu chỉ bỏ một phiếu.",
        "This delegate has already voted; each delegate casts one ballot.",
    ),
    "too-large": ("Tệp quá lớn (tối đa {limit}).", "The file is too large (at most {limit})."),
    "voting-not-open": ("Chưa mở hoặc đã đóng bỏ phiếu.", "Voting is not open."),
    "ballot-refused": ("Phiếu không hợp lệ và không được lưu: {reason}", "The ballot is invalid and was not stored: {reason}"),
    # Voting cards and ballots (docs/protocol.md §6): one code per situation.
    "card-count": ("Số thẻ phải từ 1 đến {high}, nhận được {value}.", "The number of cards must be 1 to {high}; got {value}."),
    "cards-file": ("Tệp thẻ bỏ phiếu không đúng định dạng (tinnhiem-cards/1).", "The voting-card file is not in the tinnhiem-cards/1 format."),
    "cards-other-round": ("Tệp thẻ thuộc cuộc lấy phiếu khác («{value}»).", "The card file belongs to another round (“{value}”)."),
    "cards-after-open": ("Đã mở bỏ phiếu: không thay được thẻ nữa.", "Voting has opened: the cards can no longer be replaced."),
    "no-cards": ("Chưa có thẻ bỏ phiếu: Ban kiểm phiếu cần làm thẻ và Ban tổ chức tải tệp thẻ lên.", "No voting cards yet: the committee makes them and the organisers upload the card file."),
    "bad-card": ("Mã thẻ không đúng. Kiểm tra lại 20 ký tự trên thẻ.", "The card code is wrong. Check the 20 characters on the card."),
    "card-unknown": ("Thẻ này không thuộc cuộc bỏ phiếu này.", "This card does not belong to this vote."),
    "card-void": ("Thẻ này đã bị hủy (không được phát hoặc đã đóng bỏ phiếu).", "This card was voided (not handed out, or voting has closed)."),
    "card-used": ("Thẻ này đã được dùng để bỏ phiếu.", "This card has already been used to vote."),
    "sign-in-proof": ("Không xác nhận được thẻ: hãy quét lại mã QR hoặc nhập lại mã thẻ.", "The card could not be confirmed: scan its QR code or type its code again."),
    "too-many-challenges": ("Mỗi thẻ chỉ được kiểm tra {limit} lần.", "Each card may be checked {limit} times only."),
    "ballots-over-cards": ("Đã có {ballots} phiếu cho {issued} thẻ được phát: không nhận thêm.", "There are {ballots} ballots for {issued} cards handed out: no more are accepted."),
    "ballot-limit": ("Đã đủ số phiếu tối đa {max_ballots} của cuộc bỏ phiếu.", "The round's maximum of {max_ballots} ballots is reached."),
    "ballot-copied": ("Phiếu chứa bản mã đã có: phiếu sao chép không được nhận.", "The ballot repeats a ciphertext already received: a copied ballot is refused."),
    "threshold-too-low": ("Cần ít nhất 2 thành viên để giải mã (k ≥ 2) và không quá {members}.", "At least 2 members must be needed to decrypt (k ≥ 2), and at most {members}."),
    "manifest-too-large": ("Cuộc bỏ phiếu quá lớn để mã hóa: {ballots} phiếu.", "The round is too large to encrypt: {ballots} ballots."),
    "bad-corners": ("Cần bốn góc, mỗi góc dạng x,y (ví dụ 12.5,40).", "Four corners are needed, each as x,y (e.g. 12.5,40)."),
    "voting-closed": ("Đã đóng bỏ phiếu.", "Voting has closed."),
    "not-counted-yet": ("Chưa kiểm phiếu xong: hồ sơ chưa đầy đủ.", "Not counted yet: the record is not complete."),
    # The committee's ceremony and decryption, the double entry, the hall's files: one code per situation.
    "not-a-member": ("«{value}» không phải thành viên Ban kiểm phiếu của cuộc lấy phiếu này.", "“{value}” is not a member of this round's counting committee."),
    "same-member-twice": ("Hai lần nhập phải do hai thành viên khác nhau của Ban kiểm phiếu.", "The two entries must be typed by two different committee members."),
    "shares-incomplete": ("Cần đúng một phần giải mã cho mỗi tổng, tất cả của chính thành viên này.", "Exactly one decryption share is needed for each sum, all of them this member's."),
    "share-unreadable": ("Không đọc được phần giải mã; không lưu gì.", "The decryption share cannot be read; nothing was stored."),
    "share-unproven": ("Phần giải mã không khớp với khóa kiểm tra của thành viên; không lưu gì.", "The decryption share does not match the member's verification key; nothing was stored."),
    "commitment-unproven": ("Cam kết của thành viên không kèm chứng minh đúng; không lưu gì.", "The member's commitments do not carry a valid proof; nothing was stored."),
    "sealed-shares-incomplete": ("Cần một phần khóa niêm phong cho mỗi thành viên khác, và chỉ thế.", "One sealed key share is needed for every other member, and nothing else."),
    "verification-key-mismatch": ("Khóa kiểm tra Sℓ của thiết bị không khớp với các cam kết: chưa xác nhận.", "The device's verification key Sℓ does not match the commitments: not confirmed."),
    "election-exists": ("Cuộc lấy phiếu này đã có khóa chung: không bắt đầu lại lễ tạo khóa.", "This round already has its joint key: the key ceremony cannot start again."),
    "no-such-subject": ("Không có người được lấy phiếu số {value}.", "There is no subject number {value}."),
    "no-dossier": ("Chưa có báo cáo tự đánh giá của người số {value}.", "There is no self-assessment report for subject {value} yet."),
    "tls-pair": ("Cần cả --certfile lẫn --keyfile để phục vụ qua https.", "Both --certfile and --keyfile are needed to serve over https."),
    "no-election": (
        "Cuộc lấy phiếu này chưa có khóa của Ban kiểm phiếu.",
        "This round has no counting-committee key yet.",
    ),
    "no-font": (
        "Không tìm thấy phông chữ có đủ dấu tiếng Việt. Cài gói fonts-liberation2.",
        "No font with full Vietnamese was found. Install fonts-liberation2.",
    ),
}


class TinnhiemError(Exception):
    """Base of every error a person can act on; says what, where and for whom.

    ``messages`` is the table the error's code is looked up in; a layer with its
    own errors (crypto's verification) gives its subclasses their own table.
    """

    messages: ClassVar[Mapping[str, tuple[str, str]]] = MESSAGES

    def __init__(
        self, code: str, *, field: str | None = None, subject: str | None = None, **params: object
    ) -> None:
        self.code = code
        self.field = field
        self.subject = subject
        self.params = params
        super().__init__(self.message("vi"))

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang`` ("vi" or "en"), prefixed by the field and the subject."""
        vi, en = type(self).messages[self.code]
        text = (en if lang == "en" else vi).format(field=self.field, **self.params)
        where = []
        if self.field:
            where.append(self.field)
        if self.subject:
            where.append(("người: " if lang != "en" else "subject: ") + self.subject)
        return f"[{' — '.join(where)}] {text}" if where else text

    def bilingual(self) -> str:
        """Vietnamese first, English on the next line (what the CLI prints)."""
        return f"{self.message('vi')}\n{self.message('en')}"


class InvalidInput(TinnhiemError):
    """An input that breaks a rule: nothing is written."""


class QuorumNotMet(InvalidInput):
    """R-QUORUM: fewer than 2/3 of those convened are present."""


class EntriesDiffer(TinnhiemError):
    """Two committee members' entries of the paper totals do not agree; ``mismatches`` says where."""

    def __init__(self, mismatches: Sequence[object], **kwargs: Any) -> None:
        self.mismatches = tuple(mismatches)
        super().__init__("entries-differ", count=len(self.mismatches), **kwargs)


class NotFound(TinnhiemError):
    """A round or a person that does not exist."""


class FontError(TinnhiemError):
    """No font that can print every Vietnamese letter of a document."""
