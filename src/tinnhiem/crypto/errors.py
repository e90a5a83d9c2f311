"""Verification failures: each names the check of docs/protocol.md §12 that failed, in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Mapping

from tinnhiem.domain.errors import TinnhiemError

CHECKS: Mapping[str, tuple[str, str]] = {
    # Values read from outside (§2.2).
    "bad-point": ("Điểm không hợp lệ (không đúng mã hóa ristretto255 hoặc là phần tử đơn vị).",
                  "Invalid point (not a canonical ristretto255 encoding, or the identity)."),
    "bad-scalar": ("Số vô hướng không hợp lệ (không nhỏ hơn bậc nhóm ℓ).", "Invalid scalar (not below the group order ℓ)."),
    "bad-card": ("Mã thẻ bỏ phiếu không đúng: cần 20 ký tự (chữ in hoa và số 2–9), ví dụ K7QX-9MPA-….",
                 "The voting card's code is wrong: 20 characters (capital letters and digits 2–9) are needed, e.g. K7QX-9MPA-…."),
    # §12, reading.
    "format": ("Dữ liệu không đúng định dạng: {reason}", "Malformed data: {reason}"),
    "encoding": ("Trường {field} không phải 64 chữ số hex viết thường của một giá trị hợp lệ.",
                 "The field {field} is not 64 lower-case hex digits of a valid value."),
    "bounds": ("Trường {field} nằm ngoài giới hạn {low}…{high}.", "The field {field} is outside its bounds {low}…{high}."),
    "levels": ("Danh sách mức tín nhiệm không phải một trong hai danh sách quy định: {levels}.",
               "The level list is not one of the two documented lists: {levels}."),
    "order": ("Danh sách {field} không theo thứ tự chuẩn hoặc có phần tử lặp.",
              "The list {field} is not in canonical order, or repeats an item."),
    "tracking-code": ("Mã theo dõi của phiếu {ballot} không khớp nội dung phiếu.",
                      "The tracking code of ballot {ballot} does not match the ballot."),
    "spoiled-code": ("Mã theo dõi của phiếu hủy {ballot} không khớp nội dung phiếu.",
                     "The tracking code of spoiled ballot {ballot} does not match the ballot."),
    # §12, manifest and committee.
    "manifest-hash": ("Mã băm của thông tin cuộc lấy phiếu không khớp.", "The manifest hash does not match the manifest."),
    "capacity": ("Cơ số B không chứa được mọi phiếu: max_ballots·B^(L−1) ≥ ℓ.",
                 "The base B cannot hold every vote: max_ballots·B^(L−1) ≥ ℓ."),
    "threshold": ("Ngưỡng giải mã k = {threshold} không hợp lệ: cần 2 ≤ k ≤ n = {members}.",
                  "The threshold k = {threshold} is invalid: 2 ≤ k ≤ n = {members} is needed."),
    "committee-members": ("Các thành viên Ban kiểm phiếu phải được đánh số 1…n, mỗi số một lần.",
                          "The committee members must be numbered 1…n, each once."),
    "coefficient-proof": ("Chứng minh hệ số khóa của thành viên {member} sai.",
                          "The key coefficient proof of member {member} fails."),
    "joint-key": ("Khóa chung không bằng tổng các khóa thành viên.", "The joint key is not the sum of the members' keys."),
    "share": ("Phần khóa gửi cho thành viên {member} không khớp cam kết.",
              "The key share for member {member} does not match the commitments."),
    # §12, cards and ballots.
    "cards-issued": ("Số thẻ đã phát ({issued}) không hợp lệ với {cards} thẻ trong danh sách.",
                     "The number of cards handed out ({issued}) is impossible with {cards} cards listed."),
    "ballot-round": ("Phiếu {ballot} thuộc cuộc lấy phiếu khác.", "Ballot {ballot} belongs to another round."),
    "ballot-shape": ("Phiếu {ballot} có {rows} dòng, cần {expected}.", "Ballot {ballot} has {rows} rows, {expected} expected."),
    "ballot-credential": ("Thẻ của phiếu {ballot} không có trong danh sách hoặc đã bị hủy.",
                          "The card of ballot {ballot} is not listed, or was voided."),
    "credential-reuse": ("Một thẻ đã bỏ hơn một phiếu (phiếu {ballot}).", "One card cast more than one ballot (ballot {ballot})."),
    "ballot-signature": ("Chữ ký của thẻ trên phiếu {ballot} sai.", "The card's signature on ballot {ballot} fails."),
    "ballot-proof": ("Chứng minh của phiếu {ballot}, dòng {row} sai.", "The proof of ballot {ballot}, row {row}, fails."),
    "duplicate": ("Bản mã lặp lại ở phiếu {ballot}: phiếu bị nhân bản hoặc sao chép.",
                  "A ciphertext repeats in ballot {ballot}: a duplicated or copied ballot."),
    "ballot-limit": ("Có {ballots} phiếu, vượt quá số tối đa {max_ballots} của cuộc lấy phiếu.",
                     "There are {ballots} ballots, more than the round's maximum of {max_ballots}."),
    "ballots-over-cards": ("Có {ballots} phiếu nhưng chỉ {issued} thẻ được phát.",
                           "There are {ballots} ballots but only {issued} cards were handed out."),
    "spoiled-opening": ("Phiếu hủy để kiểm tra {ballot} không mở đúng nội dung.", "Spoiled ballot {ballot} does not open correctly."),
    # §12, tally and decryption.
    "complete": ("Hồ sơ chưa có kết quả kiểm phiếu (trạng thái: {state}).", "The record has no count yet (state: {state})."),
    "ballot-count": ("Số phiếu ghi ({stated}) khác số phiếu trong hồ sơ ({actual}).",
                     "The stated ballot count ({stated}) differs from the ballots in the record ({actual})."),
    "tally-sum": ("Tổng mã hóa của người thứ {row} không bằng tổng các phiếu.",
                  "The encrypted total of subject {row} is not the sum of the ballots."),
    "decryption-members": ("Thành viên giải mã của người thứ {row} không hợp lệ hoặc lặp lại.",
                           "The decrypting members of subject {row} are invalid or repeated."),
    "decryption-quorum": ("Chỉ có {given} thành viên giải mã, cần {needed}.", "Only {given} members decrypted; {needed} needed."),
    "decryption-proof": ("Chứng minh giải mã của thành viên {member}, người thứ {row}, sai.",
                         "The decryption proof of member {member}, subject {row}, fails."),
    "plaintext": ("Kết quả giải mã của người thứ {row} không khớp số phiếu công bố.",
                  "The decrypted total of subject {row} does not match the published counts."),
    "no-discrete-log": ("Không tìm được tổng phiếu của người thứ {row} trong phạm vi cho phép.",
                        "The total of subject {row} is outside the possible range."),
}


class VerificationError(TinnhiemError):
    """A check of docs/protocol.md failed; ``code`` names it (like cryptography's InvalidSignature)."""

    messages = CHECKS


class InvalidEncoding(VerificationError):
    """A point or scalar read from outside is not a valid encoding."""


class InvalidProof(VerificationError):
    """A zero-knowledge proof or a signature does not verify."""


class TallyMismatch(VerificationError):
    """The tally, its decryption or the published counts do not follow from the ballots."""
