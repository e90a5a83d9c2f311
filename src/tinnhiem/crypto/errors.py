"""Verification failures: each names the check of docs/protocol.md §12 that failed (the text in Vietnamese;
English from the message catalogue)."""

from __future__ import annotations

from collections.abc import Mapping

from tinnhiem.domain.errors import TinnhiemError
from tinnhiem.domain.words import N_

CHECKS: Mapping[str, str] = {
    # Values read from outside (§2.2).
    "bad-point": N_("Điểm không hợp lệ (không đúng mã hóa ristretto255 hoặc là phần tử đơn vị)."),
    "bad-scalar": N_("Số vô hướng không hợp lệ (không nhỏ hơn bậc nhóm ℓ)."),
    "bad-sign-in": N_("Lời chào đăng nhập không đúng: cần mã nhận dạng cuộc bầu E (32 byte) và số ngẫu nhiên 16 byte."),
    "bad-card": N_("Mã thẻ bỏ phiếu không đúng: cần 20 ký tự (chữ in hoa và số 2–9), ví dụ K7QX-9MPA-…."),
    # §12, reading.
    "format": N_("Dữ liệu không đúng định dạng: {reason}"),
    "encoding": N_("Trường {field} không phải 64 chữ số hex viết thường của một giá trị hợp lệ."),
    "bounds": N_("Trường {field} nằm ngoài giới hạn: phải từ {low} đến {high}."),
    "levels": N_("Danh sách mức tín nhiệm không phải một trong hai danh sách quy định: {levels}."),
    "order": N_("Danh sách {field} không theo thứ tự chuẩn hoặc có phần tử lặp."),
    "tracking-code": N_("Mã theo dõi của phiếu {ballot} không khớp nội dung phiếu."),
    "spoiled-code": N_("Mã theo dõi của phiếu hủy {ballot} không khớp nội dung phiếu."),
    # §12, manifest and committee.
    "manifest-hash": N_("Mã băm của thông tin cuộc lấy phiếu không khớp."),
    "capacity": N_("Cơ số B không chứa được mọi phiếu: max_ballots·B^(L−1) ≥ ℓ."),
    "threshold": N_("Ngưỡng giải mã k = {threshold} không hợp lệ: cần 2 ≤ k ≤ n = {members}."),
    "committee-members": N_("Các thành viên Ban kiểm phiếu phải được đánh số 1…n, mỗi số một lần."),
    "coefficient-proof": N_("Chứng minh hệ số khóa của thành viên {member} sai."),
    "joint-key": N_("Khóa chung không bằng tổng các khóa thành viên."),
    "share": N_("Phần khóa gửi cho thành viên {member} không khớp cam kết."),
    # §12, the election and the committee's signatures.
    "election": N_("Mã nhận dạng cuộc bầu E không đúng: {reason}."),
    "card-signatures": N_("Danh sách thẻ chỉ có {given} chữ ký hợp lệ của Ban kiểm phiếu, cần ít nhất {needed} "
                          "(mọi chữ ký ghi trong hồ sơ phải hợp lệ, mỗi thành viên một lần)."),
    "checkins": N_("Số thẻ đã phát ({issued}) khác số đại biểu điểm danh bỏ phiếu điện tử ({electronic})."),
    "closing": N_("Biên bản đóng bỏ phiếu không được xác nhận: {reason}."),
    "closing-count": N_("Máy chủ gửi {ballots} phiếu, khác biên bản đóng bỏ phiếu ({stated} phiếu) hoặc khác "
                        "danh sách phiếu đã xác nhận."),
    "receipt-election": N_("Biên nhận phiếu {ballot} được cấp trong cuộc bầu {receipt}, không phải cuộc bầu E = "
                           "{election} của hồ sơ: hồ sơ này không phải cuộc bầu mà biên nhận được cấp."),
    "receipt": N_("Máy chủ đã ký biên nhận phiếu {ballot} nhưng hồ sơ không có phiếu này."),
    "challenge-limit": N_("Có {spoiled} phiếu hủy để kiểm tra, vượt quá {limit} (3 lần số thẻ trong danh sách)."),
    # §12, cards and ballots.
    "cards-issued": N_("Số thẻ đã phát ({issued}) không hợp lệ với {cards} thẻ trong danh sách."),
    "ballot-round": N_("Phiếu {ballot} thuộc cuộc lấy phiếu khác."),
    "ballot-shape": N_("Phiếu {ballot} có {rows} dòng, cần {expected}."),
    "ballot-credential": N_("Thẻ của phiếu {ballot} không có trong danh sách hoặc đã bị hủy."),
    "credential-reuse": N_("Một thẻ đã bỏ hơn một phiếu (phiếu {ballot})."),
    "cards-voided": N_("Đã đóng bỏ phiếu nhưng {cards} thẻ chưa bỏ phiếu vẫn chưa bị hủy."),
    "ballot-signature": N_("Chữ ký của thẻ trên phiếu {ballot} sai."),
    "ballot-proof": N_("Chứng minh của phiếu {ballot}, dòng {row} sai."),
    "duplicate": N_("Bản mã lặp lại ở phiếu {ballot}: phiếu bị nhân bản hoặc sao chép."),
    "ballot-limit": N_("Có {ballots} phiếu, vượt quá số tối đa {max_ballots} của cuộc lấy phiếu."),
    "ballots-over-cards": N_("Có {ballots} phiếu nhưng chỉ {issued} thẻ được phát."),
    "spoiled-opening": N_("Phiếu hủy để kiểm tra {ballot} không mở đúng nội dung."),
    # §12, tally and decryption.
    "complete": N_("Hồ sơ chưa có kết quả kiểm phiếu (trạng thái: {state})."),
    "ballot-count": N_("Số phiếu ghi ({stated}) khác số phiếu trong hồ sơ ({actual})."),
    "tally-sum": N_("Tổng mã hóa của người thứ {row} không bằng tổng các phiếu."),
    "decryption-members": N_("Thành viên giải mã của người thứ {row} không hợp lệ hoặc lặp lại."),
    "decryption-quorum": N_("Chỉ có {given} thành viên giải mã, cần {needed}."),
    "decryption-proof": N_("Chứng minh giải mã của thành viên {member}, người thứ {row}, sai."),
    "plaintext": N_("Kết quả giải mã của người thứ {row} không khớp số phiếu công bố."),
    "no-discrete-log": N_("Không tìm được tổng phiếu của người thứ {row} trong phạm vi cho phép."),
}


# The reasons of the check `election` (§12.3).
ELECTION_RECOMPUTED = N_("E tính lại từ thông tin cuộc lấy phiếu, khóa, khóa biên nhận và danh sách thẻ khác E "
                         "ghi trong hồ sơ")
ELECTION_GIVEN = N_("E ghi trong hồ sơ khác E đã công bố (trên điện thoại, màn chiếu và biên bản) được đưa vào "
                    "để đối chiếu")
ELECTION_NULL = N_("hồ sơ chưa có E (null) mà đã có thẻ, chữ ký, phiếu hoặc không còn ở trạng thái ready")

# The reasons of the check `closing` (words of the catalogue, so that they are translated too).
CLOSING_EARLY = N_("hồ sơ có biên bản đóng bỏ phiếu khi việc bỏ phiếu chưa đóng")
CLOSING_MISSING = N_("hồ sơ đã đóng bỏ phiếu mà không có biên bản đóng hoặc số điểm danh")
CLOSING_COUNT = N_("số phiếu N hoặc mã băm danh sách phiếu B khác các phiếu trong hồ sơ")
CLOSING_SIGNATURES = N_("không đủ chữ ký hợp lệ của Ban kiểm phiếu trên biên bản (mọi chữ ký phải hợp lệ, "
                        "mỗi thành viên một lần, ít nhất k)")


class VerificationError(TinnhiemError):
    """A check of docs/protocol.md failed; ``code`` names it (like cryptography's InvalidSignature)."""

    messages = CHECKS


class InvalidEncoding(VerificationError):
    """A point or scalar read from outside is not a valid encoding."""


class InvalidProof(VerificationError):
    """A zero-knowledge proof or a signature does not verify."""


class TallyMismatch(VerificationError):
    """The tally, its decryption or the published counts do not follow from the ballots."""
