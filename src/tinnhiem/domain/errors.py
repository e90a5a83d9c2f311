"""One error hierarchy; every message names the field and the subject.

Messages are written once, in Vietnamese, in ``MESSAGES`` (code -> text with {placeholders}), and
formatted with the error's parameters, so the command line, the web app and the tests show the same
words. Other languages come from the message catalogue at the edges (``tinnhiem.i18n.message``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from tinnhiem.domain.words import N_

MESSAGES: Mapping[str, str] = {
    "unknown-rule-set": N_("Bộ quy tắc «{value}» không tồn tại; dùng một trong: {choices}."),
    "unknown-value": N_("Giá trị «{value}» không hợp lệ; dùng một trong: {choices}."),
    "missing": N_("Thiếu thông tin bắt buộc."),
    "not-integer": N_("Phải là số nguyên không âm, nhận được «{value}»."),
    "not-text": N_("Phải là một đoạn chữ, nhận được «{value}»."),
    "not-date": N_("Ngày «{value}» không đúng dạng NĂM-THÁNG-NGÀY (ví dụ 2025-12-10)."),
    "base-missing": N_("Bộ quy tắc {rule_set} không quy định cơ sở tính tỷ lệ; hãy ghi rõ base (members, convened, "
                       "present, ballots_issued hoặc ballots_returned)."),
    "base-value-missing": N_("Cơ sở tính tỷ lệ là «{base}» nhưng con số này chưa được ghi."),
    "base-zero": N_("Cơ sở tính tỷ lệ phải lớn hơn 0."),
    "counts-keys": N_("Số phiếu phải có đúng các mức {expected}, nhận được {got}."),
    "counts-above-returned": N_("Tổng số phiếu ({total}, kể cả {invalid} không hợp lệ) vượt số phiếu thu về "
                                "({limit})."),
    "counts-above-base": N_("Tổng số phiếu ({total}, kể cả {invalid} không hợp lệ) vượt cơ sở tính tỷ lệ ({limit})."),
    "conference-order": N_("{field} ({value}) không được lớn hơn {other_field} ({other})."),
    "quorum-not-met": N_("Không đủ số lượng cần thiết: có mặt {present}/{convened}, cần ít nhất {needed} (2/3 số "
                         "được triệu tập, R-QUORUM)."),
    "note-required": N_("Lý do «other» (khác) phải kèm ghi chú giải thích."),
    "reason-not-in-rule-set": N_("Lý do «{value}» không có trong bộ quy tắc {rule_set}; dùng một trong: {choices}."),
    "duplicate-subject": N_("Người này đã có trong danh sách (dòng {first})."),
    "exempt-and-subject": N_("Người này vừa được lấy phiếu vừa thuộc diện không lấy phiếu."),
    "committee-is-subject": N_("Thành viên Ban kiểm phiếu không được là người được lấy phiếu (R-COMMITTEE)."),
    "no-subjects": N_("Danh sách người được lấy phiếu đang trống."),
    "entries-differ": N_("Hai lần nhập chưa khớp ở {count} người; chưa lưu gì."),
    "round-not-found": N_("Không tìm thấy cuộc lấy phiếu «{value}»."),
    "person-not-found": N_("Không tìm thấy người nào tên «{value}»."),
    "person-ambiguous": N_("Có {count} người khớp với «{value}»; hãy gõ mã cán bộ (hoặc họ tên có dấu đầy đủ) của "
                           "người cần xem:{choices}"),
    "no-counts": N_("Cuộc lấy phiếu chưa có kết quả kiểm phiếu."),
    "file-unreadable": N_("Không đọc được tệp: {reason}"),
    "file-exists": N_("Tệp đã có; không ghi đè (thêm --force để ghi đè)."),
    "too-many-rows": N_("Danh sách dài hơn {limit} dòng, nhiều hơn mọi hội nghị thực tế; chưa đọc hết và không lưu "
                        "gì. Kiểm tra lại tệp (có thể chọn nhầm tệp hay nhầm trang tính đầu tiên)."),
    "header-not-found": N_("Không tìm thấy dòng tiêu đề có cột «{value}» trong {rows} dòng đầu của trang tính đầu "
                           "tiên."),
    "legacy-text": N_("Ô này có chữ «{value}» không đọc được: có lẽ được gõ bằng bảng mã cũ (TCVN3/ABC hay VNI) "
                      "lẫn với chữ khác. Hãy chuyển cả bảng tính sang Unicode (Unikey: Công cụ chuyển mã, "
                      "Ctrl+Shift+F6; hoặc gõ lại ô này) rồi lưu lại."),
    "column-missing": N_("Thiếu cột «{value}» ở dòng tiêu đề."),
    "font-missing-glyphs": N_("Phông chữ {font} thiếu các ký tự: {chars}. Cài gói fonts-liberation2 hoặc đặt "
                              "TINNHIEM_FONT_DIR."),
    "wrong-passphrase": N_("Sai mật khẩu, hoặc tệp khóa đã bị sửa."),
    "key-file-unreadable": N_("Tệp khóa không đọc được: {reason}"),
    "sealed-share": N_("Không mở được phần khóa gửi cho thành viên này."),
    "two-channels": N_("Đại biểu «{value}» đã bỏ phiếu bằng hình thức {channel}; không thể nhận thêm phiếu khác."),
    "invalid-body": N_("Dữ liệu gửi lên không đúng: {reason}"),
    "body-too-large": N_("Dữ liệu gửi lên quá lớn (tối đa {limit})."),
    "csrf": N_("Trang đã cũ hoặc thiếu mã chống giả mạo (CSRF): hãy tải lại trang rồi làm lại."),
    "unreadable-body": N_("Không đọc được dữ liệu gửi lên: cần JSON mã UTF-8, không nén, không lồng quá sâu."),
    "page-not-found": N_("Không có trang này."),
    "method-not-allowed": N_("Trang này không nhận kiểu yêu cầu đó."),
    "http-error": N_("Máy chủ không thực hiện được yêu cầu (mã HTTP {status})."),
    "ceremony-phase": N_("Lễ tạo khóa đang ở bước khác ({value}): hãy tải lại trang."),
    "ceremony-step-done": N_("Thành viên {member} đã làm bước này trên một thiết bị: mã lễ tạo khóa chỉ dùng một lần. "
                             "Nếu thiết bị đó bị mất, Ban tổ chức bắt đầu lại lễ tạo khóa."),
    "same-device-twice": N_("Thành viên thứ hai phải nhập trên máy của mình: máy này đã nhập cho một thành viên khác."),
    "attendance-closed": N_("Đã đóng bỏ phiếu: số đại biểu có mặt đã được chốt, không ghi nhận hay hoàn tác nữa."),
    "card-handed-out": N_("Đại biểu «{value}» đã nhận thẻ bỏ phiếu điện tử và đã mở bỏ phiếu: thẻ có thể đã được "
                          "dùng, nên không hoàn tác được."),
    "checked-in-other-channel": N_("Đại biểu «{value}» đã được ghi nhận có mặt ({channel}); mỗi đại biểu chỉ "
                                   "một hình thức. Nếu ghi nhầm, bấm «Hoàn tác» rồi ghi lại."),
    "delegate-not-found": N_("Không có đại biểu «{value}» trong danh sách."),
    "paper-pending": N_("Còn {count} phiếu hoặc dòng chờ Ban kiểm phiếu quyết định."),
    "not-a-committee-member": N_("«{value}» không có tên trong Ban kiểm phiếu của cuộc lấy phiếu này; thành viên: "
                                 "{choices}."),
    "reason-required": N_("Cần ghi rõ lý do."),
    "sheet-unplaced": N_("Tờ phiếu {sheet} chưa được định vị: hãy đánh dấu bốn góc, hoặc quyết định phiếu không "
                         "hợp lệ."),
    "audit-seed": N_("Số ngẫu nhiên (hạt giống) cần ít nhất {digits} chữ số, chỉ chữ số 0–9: đọc từ xúc xắc "
                     "gieo công khai."),
    "audit-risk-limit": N_("Giới hạn rủi ro «{value}» không hợp lệ: ghi một tỷ lệ phần trăm lớn hơn 0 và không "
                           "quá 50 (ví dụ 5)."),
    "audit-started": N_("Cuộc kiểm tra đối chiếu đã bắt đầu với giới hạn rủi ro và số ngẫu nhiên đã ghi; không "
                        "đổi được nữa."),
    "audit-not-started": N_("Chưa bắt đầu kiểm tra đối chiếu: hãy ghi giới hạn rủi ro và số ngẫu nhiên."),
    "audit-before-count": N_("Chỉ kiểm tra đối chiếu sau khi đã kiểm phiếu giấy (tinnhiem paper count)."),
    "audit-count-stale": N_("Các tờ phiếu đã thay đổi sau khi kiểm: hãy kiểm phiếu giấy lại rồi mới kiểm tra đối "
                            "chiếu."),
    "audit-frozen": N_("Đang kiểm tra đối chiếu: các tờ phiếu và quyết định đã chốt, không thay đổi được nữa."),
    "audit-not-drawn": N_("Tờ {sheet} không nằm trong các tờ được rút để kiểm tra."),
    "audit-reading": N_("Cách đọc tờ {sheet} không đúng: cần {rows} dòng, mỗi dòng là một mức, «trống» hoặc "
                        "«nhiều ô»."),
    "too-many-sheets": N_("Có {sheets} tờ phiếu loại «{sheet}» nhưng chỉ {issued} phiếu giấy được phát."),
    "record-mismatch": N_("Hồ sơ điện tử không thuộc cuộc lấy phiếu này (mã hoặc danh sách người khác)."),
    "bad-code": N_("Mã đăng nhập không đúng. Hãy xem lại thẻ đại biểu."),
    "hidden-character": N_("Có ký tự không nhìn thấy ({value}, ví dụ ký tự đảo chiều chữ hay ký tự rộng 0) trong ô "
                           "này: chữ in ra sẽ khác chữ nhìn thấy. Hãy gõ lại ô này."),
    "bad-login": N_("Tên đăng nhập «{value}» không hợp lệ: dùng chữ thường không dấu, chữ số, dấu chấm, gạch ngang "
                    "(2 đến 64 ký tự)."),
    "login-taken": N_("Đã có tài khoản «{value}»."),
    "wrong-password": N_("Sai tên đăng nhập hoặc mật khẩu."),
    "not-signed-in": N_("Phiên làm việc đã kết thúc hoặc chưa đăng nhập: hãy đăng nhập lại."),
    "not-allowed": N_("Tài khoản «{value}» không có quyền làm việc này trong cuộc lấy phiếu này."),
    "account-not-found": N_("Không có tài khoản «{value}»."),
    "too-many-attempts": N_("Nhập sai quá nhiều lần. Hãy chờ {minutes} phút hoặc gặp Ban tổ chức."),
    "already-voted": N_("Đại biểu đã bỏ phiếu rồi; mỗi đại biểu chỉ bỏ một phiếu."),
    "too-large": N_("Tệp quá lớn (tối đa {limit})."),
    "voting-not-open": N_("Chưa mở hoặc đã đóng bỏ phiếu."),
    "ballot-refused": N_("Phiếu không hợp lệ và không được lưu: {reason}"),
    # Voting cards and ballots (docs/protocol.md §6): one code per situation.
    "card-count": N_("Số thẻ phải từ 1 đến {high}, nhận được {value}."),
    "cards-file": N_("Tệp thẻ bỏ phiếu không đúng định dạng (tinnhiem-cards/1)."),
    "cards-other-round": N_("Tệp thẻ thuộc cuộc lấy phiếu khác («{value}»)."),
    "cards-after-open": N_("Đã mở bỏ phiếu: không thay được thẻ nữa."),
    "no-cards": N_("Chưa có thẻ bỏ phiếu: Ban kiểm phiếu cần làm thẻ và Ban tổ chức tải tệp thẻ lên."),
    "bad-card": N_("Mã thẻ không đúng. Kiểm tra lại 20 ký tự trên thẻ."),
    "card-unknown": N_("Thẻ này không thuộc cuộc bỏ phiếu này."),
    "card-void": N_("Thẻ này đã bị hủy (không được phát hoặc đã đóng bỏ phiếu)."),
    "card-used": N_("Thẻ này đã được dùng để bỏ phiếu."),
    "sign-in-proof": N_("Không xác nhận được thẻ: hãy quét lại mã QR hoặc nhập lại mã thẻ."),
    "too-many-challenges": N_("Mỗi thẻ chỉ được kiểm tra {limit} lần."),
    "ballots-over-cards": N_("Đã có {ballots} phiếu cho {issued} thẻ được phát: không nhận thêm."),
    "ballot-limit": N_("Đã đủ số phiếu tối đa {max_ballots} của cuộc bỏ phiếu."),
    "ballot-copied": N_("Phiếu chứa bản mã đã có: phiếu sao chép không được nhận."),
    "threshold-too-low": N_("Cần ít nhất 2 thành viên để giải mã (k ≥ 2) và không quá {members}."),
    "manifest-too-large": N_("Cuộc bỏ phiếu quá lớn để mã hóa: {ballots} phiếu."),
    "bad-corners": N_("Cần bốn góc, mỗi góc dạng x,y (ví dụ 12.5,40)."),
    "voting-closed": N_("Đã đóng bỏ phiếu."),
    "voting-already-open": N_("Bỏ phiếu đã mở rồi."),
    "voting-not-closed": N_("Bỏ phiếu chưa đóng: chưa kiểm phiếu được."),
    "round-tallied": N_("Đã kiểm phiếu xong cuộc này."),
    "not-counted-yet": N_("Chưa kiểm phiếu xong: hồ sơ chưa đầy đủ."),
    # The committee's ceremony and decryption, the double entry, the hall's files: one code per situation.
    "not-a-member": N_("«{value}» không phải thành viên Ban kiểm phiếu của cuộc lấy phiếu này."),
    "same-member-twice": N_("Hai lần nhập phải do hai thành viên khác nhau của Ban kiểm phiếu."),
    "shares-incomplete": N_("Cần đúng một phần giải mã cho mỗi tổng, tất cả của chính thành viên này."),
    "share-unreadable": N_("Không đọc được phần giải mã; không lưu gì."),
    "share-unproven": N_("Phần giải mã không khớp với khóa kiểm tra của thành viên; không lưu gì."),
    "commitment-unproven": N_("Cam kết của thành viên không kèm chứng minh đúng; không lưu gì."),
    "sealed-shares-incomplete": N_("Cần một phần khóa niêm phong cho mỗi thành viên khác, và chỉ thế."),
    "verification-key-mismatch": N_("Khóa kiểm tra Sℓ của thiết bị không khớp với các cam kết: chưa xác nhận."),
    "election-exists": N_("Cuộc lấy phiếu này đã có khóa chung: không bắt đầu lại lễ tạo khóa."),
    "no-such-subject": N_("Không có người được lấy phiếu số {value}."),
    "no-dossier": N_("Chưa có báo cáo tự đánh giá của người số {value}."),
    "tls-pair": N_("Cần cả --certfile lẫn --keyfile để phục vụ qua https."),
    "no-election": N_("Cuộc lấy phiếu này chưa có khóa của Ban kiểm phiếu."),
    "no-font": N_("Không tìm thấy phông chữ có đủ dấu tiếng Việt. Cài gói fonts-liberation2."),
}


class TinnhiemError(Exception):
    """Base of every error a person can act on; says what, where and for whom.

    ``messages`` is the table the error's code is looked up in; a layer with its
    own errors (crypto's verification) gives its subclasses their own table.
    """

    messages: ClassVar[Mapping[str, str]] = MESSAGES

    def __init__(
        self, code: str, *, field: str | None = None, subject: str | None = None, **params: object
    ) -> None:
        self.code = code
        self.field = field
        self.subject = subject
        self.params = params
        super().__init__(self.message())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (code, field, parameters): the verifier's worker processes send their errors back."""
        return _rebuilt, (type(self), dict(self.__dict__))

    def message(self) -> str:
        """The message in Vietnamese, prefixed by the field and the subject (``tinnhiem.i18n.message``
        gives it in another language)."""
        text = type(self).messages[self.code].format(field=self.field, **self.params)
        where = []
        if self.field:
            where.append(self.field)
        if self.subject:
            where.append(f"người: {self.subject}")
        return f"[{' — '.join(where)}] {text}" if where else text


def _rebuilt(kind: type[TinnhiemError], state: dict[str, Any]) -> TinnhiemError:
    error = kind.__new__(kind)
    error.__dict__.update(state)
    Exception.__init__(error, error.message())
    return error


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


class NotSignedIn(TinnhiemError):
    """A staff page or action without a live session (never signed in, signed out, or its password renewed)."""

    def __init__(self) -> None:
        super().__init__("not-signed-in", field="session")


class NotAllowed(TinnhiemError):
    """A signed-in account acting outside its roles."""
