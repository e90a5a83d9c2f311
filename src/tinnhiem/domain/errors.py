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
    "figure-needed": N_("Chưa có con số này, mà nó {why}: hãy ghi vào tệp thông tin, hoặc sửa ở trang cuộc lấy "
                        "phiếu (Số liệu hội nghị) hay bằng lệnh tinnhiem round figures."),
    "figures-counted": N_("Kết quả đã được kiểm xong: con số đã ghi không sửa được nữa (chỉ ghi được con số còn "
                          "trống)."),
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
    "file-missing": N_("Không có tệp «{value}»."),
    "round-code-taken": N_("Đã có cuộc lấy phiếu mã «{value}»: hãy chọn mã khác (xem: tinnhiem rounds)."),
    "sheet-already-read": N_("Máy đã đọc được tờ phiếu {sheet}: không cần định vị bằng tay (xem lại bằng «paper "
                             "review»)."),
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
    "card-already-handed-out": N_("Đại biểu «{value}» đã được phát thẻ bỏ phiếu (tài khoản «{by}» đã ghi nhận): "
                                  "không phát thêm thẻ."),
    "paper-already-handed-out": N_("Đại biểu «{value}» đã được phát phiếu giấy (tài khoản «{by}» đã ghi nhận): "
                                   "không phát thêm phiếu."),
    "channel-fixed-while-open": N_("Đại biểu «{value}» đã được ghi nhận ({channel}) rồi hoàn tác khi đang bỏ phiếu: "
                                   "đã mở bỏ phiếu thì không chuyển sang hình thức khác (mỗi đại biểu chỉ một cách "
                                   "bỏ phiếu). Chỉ ghi nhận lại được bằng hình thức cũ."),
    "committee-only": N_("Chỉ thành viên Ban kiểm phiếu của cuộc lấy phiếu này được hủy, niêm phong hay mở thẻ; "
                         "tài khoản «{value}» không có vai trò đó. Lần thử này đã được ghi vào nhật ký."),
    "reserve-after-open": N_("Đã mở bỏ phiếu: thẻ dự phòng phải được niêm phong trước khi mở."),
    "reserve-empty": N_("Không còn thẻ dự phòng nào để mở: {sealed} thẻ niêm phong chưa dùng, {released} lần mở "
                        "chưa được dùng."),
    "no-late-check-in": N_("Chưa có đại biểu đến muộn nào cần thẻ dự phòng: {usable} thẻ dùng được đã đủ cho "
                           "{electronic} đại biểu bỏ phiếu điện tử. Ghi nhận đại biểu (Điện tử) trước, rồi mở một thẻ."),
    "delegate-ambiguous": N_("Có {count} đại biểu khớp với «{value}»; hãy gõ số thứ tự của người cần ghi nhận:"
                             "{choices}"),
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
    "audit-stack-changed": N_("Chồng phiếu đã kiểm đã thay đổi sau khi bạn xem (mã bạn thấy «{seen}», mã hiện nay "
                              "«{stack}»): hãy tải lại trang, xem lại mã chồng phiếu rồi mới bắt đầu."),
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
    "body-too-slow": N_("Nội dung gửi lên quá chậm (quá {seconds} giây): hãy gửi lại."),
    "busy": N_("Máy chủ đang bận: hãy thử lại sau vài giây."),
    "already-voted": N_("Đại biểu đã bỏ phiếu rồi; mỗi đại biểu chỉ bỏ một phiếu."),
    "too-large": N_("Tệp quá lớn (tối đa {limit})."),
    "voting-not-open": N_("Chưa mở hoặc đã đóng bỏ phiếu."),
    "ballot-refused": N_("Phiếu không hợp lệ và không được lưu: {reason}"),
    # Voting cards and ballots (docs/protocol.md §6): one code per situation.
    "card-count": N_("Số thẻ phải từ 1 đến {high}, nhận được {value}."),
    "cards-file": N_("Tệp thẻ bỏ phiếu không đúng định dạng (tinnhiem-cards/2)."),
    "cards-unsigned": N_("Danh sách thẻ chưa có chữ ký của Ban kiểm phiếu (thiếu trường {field}): chỉ nhận danh sách "
                         "do Ban kiểm phiếu làm và ký trên máy của mình (tinnhiem cards make)."),
    "cards-election": N_("Danh sách thẻ không khớp cuộc bỏ phiếu này: mã định danh E tính lại từ khóa của Ban kiểm "
                         "phiếu, khóa biên nhận và danh sách thẻ khác với mã ghi trong tệp (tệp của cuộc khác, hoặc "
                         "thẻ bị thêm, bớt hay đổi)."),
    "cards-signature": N_("Danh sách thẻ chỉ có {given} chữ ký hợp lệ của Ban kiểm phiếu, cần ít nhất {needed} "
                          "của các thành viên khác nhau (mọi chữ ký đều phải đúng)."),
    "cards-once": N_("Danh sách thẻ của cuộc bỏ phiếu này đã được lưu: muốn đổi thẻ phải tạo lại khóa của Ban kiểm "
                     "phiếu."),
    "cards-too-few-members": N_("Cần tệp khóa của ít nhất {needed} thành viên Ban kiểm phiếu để ký danh sách thẻ, mới "
                                "có {given}."),
    "key-file-other-election": N_("Tệp khóa của thành viên {member} không thuộc cuộc bỏ phiếu này (khóa không khớp "
                                  "cam kết của Ban kiểm phiếu)."),
    "closing-not-confirmed": N_("Số phiếu không trùng màn chiếu hoặc biên bản: không ký. Báo ngay cho cả Ban kiểm phiếu."),
    "shares-folder": N_("Cần cho biết thư mục ghi tệp phần giải mã (để nộp cho hội trường)."),
    "closing-signature": N_("Chữ ký xác nhận kết thúc bỏ phiếu không đúng với khóa của thành viên này; không lưu gì."),
    "closing-unsigned": N_("Chưa đủ thành viên Ban kiểm phiếu ký xác nhận kết thúc bỏ phiếu ({given}/{needed}): chưa "
                           "giải mã."),
    "record-after-close": N_("Hồ sơ công khai được công bố khi đóng bỏ phiếu; trong lúc bỏ phiếu chỉ có các con số."),
    "election-file": N_("Tệp cuộc bỏ phiếu (tinnhiem-election/1) không hợp lệ: hãy tải lại tệp từ máy chủ."),
    "no-receipt-key": N_("Cuộc bỏ phiếu này chưa có khóa biên nhận (tạo trước phiên bản 3): hãy tạo lại khóa của Ban "
                         "kiểm phiếu."),
    "key-on-hall-server": N_("Lệnh này mở tệp khóa của thành viên Ban kiểm phiếu trên máy đang chạy cơ sở dữ liệu của "
                             "hội trường: ai quản trị máy này có thể lấy được khóa. Hãy chạy trên máy riêng của Ban "
                             "kiểm phiếu từ tệp xuất ra ({alternative}); nếu thật sự muốn làm tại đây, thêm "
                             "--on-hall-server."),
    "cards-other-round": N_("Tệp thẻ thuộc cuộc lấy phiếu khác («{value}»)."),
    "cards-after-open": N_("Đã mở bỏ phiếu: không thay được thẻ nữa."),
    "no-cards": N_("Chưa có thẻ bỏ phiếu: Ban kiểm phiếu cần làm thẻ và Ban tổ chức tải tệp thẻ lên."),
    "cards-not-accounted": N_("Chưa mở được: {loose} thẻ chưa phát cho ai mà vẫn dùng được ({usable} thẻ dùng được, "
                              "{electronic} đại biểu bỏ phiếu điện tử đã ghi nhận). Ban kiểm phiếu cần niêm phong "
                              "các thẻ dự phòng hoặc hủy các thẻ thừa trước khi mở."),
    "bad-card": N_("Mã thẻ không đúng. Kiểm tra lại 20 ký tự trên thẻ."),
    "card-unknown": N_("Thẻ này không thuộc cuộc bỏ phiếu này."),
    "card-void": N_("Thẻ này đã bị hủy (không được phát hoặc đã đóng bỏ phiếu)."),
    "card-used": N_("Thẻ này đã được dùng để bỏ phiếu."),
    "card-sealed": N_("Thẻ này là thẻ dự phòng đang niêm phong: chỉ dùng được sau khi Ban kiểm phiếu mở một thẻ "
                      "dự phòng cho đại biểu đến muộn."),
    "sign-in-proof": N_("Không xác nhận được thẻ: hãy quét lại mã QR hoặc nhập lại mã thẻ."),
    "receipt-unreadable": N_("Không đọc được biên nhận: dán nguyên văn biên nhận (tinnhiem-receipt/1) máy đã lưu."),
    "too-many-spoiled": N_("Máy này đã gửi {limit} phiếu kiểm tra máy trong {minutes} phút: hãy chờ rồi thử lại, "
                           "hoặc bỏ phiếu."),
    "challenge-limit": N_("Đã có đủ {limit} phiếu kiểm tra máy trong cuộc bỏ phiếu này: không nhận thêm."),
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
    "pdf-unreadable": N_("Không đọc được tệp PDF: {reason}"),
    "not-a-signer": N_("Biên bản không có ô ký cho «{value}»; các ô ký: {choices}."),
    "already-signed": N_("«{value}» đã ký biên bản này."),
    "signer-ambiguous": N_("Tên «{value}» trên chứng thư (không dấu) khớp với nhiều ô ký: {choices}. Dùng chứng thư "
                           "ghi tên có dấu, hoặc ký bằng lệnh với --as và tên đúng như in."),
    "certificate-used": N_("Chứng thư này đã ký ô của «{value}»: mỗi người ký một ô, bằng chứng thư của mình."),
    "head-signs-last": N_("Trưởng ban ký sau cùng; còn chờ: {value}."),
    "key-unreadable": N_("Không mở được tệp khóa {reason}: sai mật khẩu hoặc tệp hỏng."),
    "token-unreadable": N_("Không mở được thiết bị ký số «{value}» ({reason}): kiểm tra thiết bị đã cắm, thư viện "
                           "PKCS#11 và mã PIN."),
    "token-pin": N_("Sai mã PIN của thiết bị ký số «{value}»; chưa ký gì. Thiết bị tự khóa sau vài lần nhập sai."),
    "token-not-found": N_("Không thấy thiết bị ký số có nhãn «{value}»: kiểm tra thiết bị đã cắm và nhãn của nó."),
    "minutes-changed": N_("Biên bản đã thay đổi từ khi trang được mở (vừa có người ký): tải lại trang, xem lại rồi "
                          "ký; chưa ký gì."),
    "key-choice": N_("Ký bằng một trong hai cách: nhãn thiết bị ký số và mã PIN, hoặc tệp khóa PKCS#12 và mật "
                     "khẩu."),
    "image-unreadable": N_("Ảnh chữ ký tay «{value}» không phải ảnh PNG hoặc JPEG đọc được; chưa ký gì."),
    "token-keys": N_("Thiết bị ký số «{value}» có {count} khóa bí mật; cần đúng một."),
    "no-signature-fields": N_("Biên bản chưa có ô ký nào: không phải biên bản do tinnhiem chuẩn bị để ký."),
    "package-unreadable": N_("Không đọc được gói báo cáo: {reason}"),
    "package-files": N_("Gói báo cáo phải có đúng các tệp {expected}; có: {got}."),
    "package-signature": N_("Chữ ký của gói báo cáo không đạt: {reason}"),
    "package-file-changed": N_("Tệp trong gói đã bị sửa: mã băm khác với bản kê đã ký."),
    "package-round-invalid": N_("Tệp cuộc lấy phiếu trong gói không hợp lệ: {reason}"),
    "package-result-differs": N_("Kết quả trong gói khác kết quả tính lại từ số phiếu."),
    "package-minutes-invalid": N_("Biên bản ký số trong gói không đạt: {reason}"),
    "package-minutes-other": N_("Biên bản ký số trong gói không phải biên bản của kết quả này."),
    "package-round-conflict": N_("Cuộc lấy phiếu «{title}» ngày {date} của {value} đã được nhập với kết quả "
                                 "khác; không nhập."),
    "package-signers": N_("Người ký biên bản ({value}) không phải Ban kiểm phiếu của cuộc lấy phiếu ({expected}, "
                          "Trưởng ban sau cùng)."),
    "no-committee": N_("Cuộc lấy phiếu chưa ghi Ban kiểm phiếu (committee): biên bản không có ai để ký."),
    "minutes-not-complete": N_("Biên bản chưa đủ chữ ký hoặc có chữ ký không đạt; chưa xuất báo cáo."),
    "minutes-other-round": N_("Tệp biên bản đã có không thuộc kết quả này (mã kết quả khác); không ký."),
}


FIELD_LABELS: Mapping[str, str] = {  # what a page says instead of the field's internal key (web messages)
    "round": N_("Cuộc lấy phiếu"), "round_id": N_("Cuộc lấy phiếu"), "code": N_("Mã cuộc lấy phiếu"),
    "password": N_("Mật khẩu"), "login": N_("Tên đăng nhập"), "session": N_("Phiên đăng nhập"),
    "name": N_("Họ và tên"), "member": N_("Thành viên Ban kiểm phiếu"),
    "second.member": N_("Thành viên nhập lần thứ hai"), "role": N_("Việc được giao"),
    "conference": N_("Số liệu hội nghị"), "conference.convened": N_("Số được triệu tập"),
    "conference.present": N_("Số có mặt"), "conference.ballots_issued": N_("Số phiếu phát ra"),
    "conference.ballots_returned": N_("Số phiếu thu về"),
    "body.name": N_("Tên cơ quan"), "body.members": N_("Tổng số thành viên"), "base": N_("Cơ sở tính tỷ lệ"),
    "date": N_("Ngày"), "title": N_("Tiêu đề"), "subjects": N_("Danh sách người được lấy phiếu"),
    "subjects.counts": N_("Số phiếu"), "totals": N_("Kết quả kiểm phiếu"), "number": N_("Số thứ tự"),
    "delegate": N_("Đại biểu"), "channel": N_("Hình thức bỏ phiếu"), "cards": N_("Thẻ bỏ phiếu"),
    "cards_file": N_("Tệp thẻ"), "card": N_("Thẻ bỏ phiếu"), "credential": N_("Thẻ bỏ phiếu"),
    "credentials": N_("Danh sách thẻ"), "signature": N_("Xác nhận của thẻ"), "ballot": N_("Phiếu"),
    "threshold": N_("Số thành viên cần để giải mã"), "paper": N_("Phiếu giấy"), "sheet": N_("Tờ phiếu"),
    "reason": N_("Lý do"), "dossier": N_("Báo cáo tự đánh giá"), "file": N_("Tệp"), "passphrase": N_("Mật khẩu"),
    "key_file": N_("Tệp khóa"), "decision": N_("Quyết định"), "corners": N_("Bốn góc"), "count": N_("Số lượng"),
    "ceremony": N_("Lễ tạo khóa"), "phase": N_("Lễ tạo khóa"), "share": N_("Phần giải mã"),
    "shares": N_("Phần giải mã"), "signatures": N_("Chữ ký của Ban kiểm phiếu"), "election": N_("Mã cuộc bỏ phiếu (E)"),
    "receipt": N_("Biên nhận"),
    "token": N_("Nhãn thiết bị ký số"), "pin": N_("Mã PIN"), "pkcs12": N_("Tệp khóa PKCS#12"),
    "signer": N_("Người ký"), "image": N_("Ảnh chữ ký tay"), "file_hash": N_("Biên bản đang ký"), "spoiled": N_("Phiếu kiểm tra máy"),
}


def field_label(field: str) -> str | None:
    """The words for a field (Vietnamese; translated at the edge), or None for an internal one. A list's
    entry (``subjects[3].counts``) takes the list's words; the message names the subject beside them."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    head, bracket, rest = field.partition("[")
    index, _, tail = rest.partition("]")
    if bracket and index.isdigit() and f"{head}{tail}" in FIELD_LABELS:
        return FIELD_LABELS[f"{head}{tail}"]
    return None


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


class Busy(TinnhiemError):
    """More requests of a costly kind at once than the hall serves (password checks, screens): try again soon."""

    def __init__(self, what: str) -> None:
        super().__init__("busy", field=what)


class NotFound(TinnhiemError):
    """A round or a person that does not exist."""


class FontError(TinnhiemError):
    """No font that can print every Vietnamese letter of a document."""


class SigningError(InvalidInput):
    """Signing the minutes or the report, or checking them, cannot go on: what is wrong, nothing written."""


class NotSignedIn(TinnhiemError):
    """A staff page or action without a live session (never signed in, signed out, or its password renewed)."""

    def __init__(self) -> None:
        super().__init__("not-signed-in", field="session")


class NotAllowed(TinnhiemError):
    """A signed-in account acting outside its roles."""
