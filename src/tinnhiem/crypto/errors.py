"""Verification failures: each says which check failed (docs/protocol.md §7), in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Mapping

from tinnhiem.domain.errors import TinnhiemError

CHECKS: Mapping[str, tuple[str, str]] = {
    "bad-point": ("Điểm không hợp lệ (không đúng mã hóa ristretto255 hoặc là phần tử đơn vị).",
                  "Invalid point (not a canonical ristretto255 encoding, or the identity)."),
    "bad-scalar": ("Số vô hướng không hợp lệ (không nhỏ hơn bậc nhóm ℓ).", "Invalid scalar (not below the group order ℓ)."),
    "bad-format": ("Dữ liệu không đúng định dạng: {reason}", "Malformed data: {reason}"),
    "manifest-hash": ("Mã băm của thông tin cuộc lấy phiếu không khớp.", "The manifest hash does not match the manifest."),
    "coefficient-proof": ("Chứng minh hệ số khóa của thành viên {member} sai.",
                          "The key coefficient proof of member {member} fails."),
    "joint-key": ("Khóa chung không bằng tổng các khóa thành viên.", "The joint key is not the sum of the members' keys."),
    "share": ("Phần khóa gửi cho thành viên {member} không khớp cam kết.",
              "The key share for member {member} does not match the commitments."),
    "ballot-proof": ("Chứng minh của phiếu {ballot}, dòng {row} sai.", "The proof of ballot {ballot}, row {row}, fails."),
    "ballot-shape": ("Phiếu {ballot} có {rows} dòng, cần {expected}.", "Ballot {ballot} has {rows} rows, {expected} expected."),
    "ballot-round": ("Phiếu {ballot} thuộc cuộc lấy phiếu khác.", "Ballot {ballot} belongs to another round."),
    "tracking-code": ("Mã theo dõi của phiếu {ballot} không khớp nội dung phiếu.",
                      "The tracking code of ballot {ballot} does not match the ballot."),
    "duplicate": ("Bản mã lặp lại ở phiếu {ballot}: phiếu bị nhân bản hoặc sao chép.",
                  "A ciphertext repeats in ballot {ballot}: a duplicated or copied ballot."),
    "tally-sum": ("Tổng mã hóa của người thứ {row} không bằng tổng các phiếu.",
                  "The encrypted total of subject {row} is not the sum of the ballots."),
    "ballot-count": ("Số phiếu ghi ({stated}) khác số phiếu trong hồ sơ ({actual}).",
                     "The stated ballot count ({stated}) differs from the ballots in the record ({actual})."),
    "decryption-proof": ("Chứng minh giải mã của thành viên {member}, người thứ {row}, sai.",
                         "The decryption proof of member {member}, subject {row}, fails."),
    "decryption-quorum": ("Chỉ có {given} thành viên giải mã, cần {needed}.", "Only {given} members decrypted; {needed} needed."),
    "plaintext": ("Kết quả giải mã của người thứ {row} không khớp số phiếu công bố.",
                  "The decrypted total of subject {row} does not match the published counts."),
    "no-discrete-log": ("Không tìm được tổng phiếu của người thứ {row} trong phạm vi cho phép.",
                        "The total of subject {row} is outside the possible range."),
    "spoiled": ("Phiếu hủy để kiểm tra {ballot} không mở đúng nội dung.", "Spoiled ballot {ballot} does not open correctly."),
}


class VerificationError(TinnhiemError):
    """A check of docs/protocol.md failed; ``code`` names it (like cryptography's InvalidSignature)."""

    messages = CHECKS


class InvalidEncoding(VerificationError):
    """A point or scalar read from outside is not a valid encoding."""


class InvalidProof(VerificationError):
    """A zero-knowledge proof does not verify."""


class TallyMismatch(VerificationError):
    """The tally, its decryption or the published counts do not follow from the ballots."""
