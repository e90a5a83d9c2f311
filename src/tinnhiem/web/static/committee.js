// A committee member's device (docs/protocol.md, closing): it fetches the record, checks every ballot, counts N
// and recomputes B and the sums itself, and shows N for the person to compare with the projector. Only then
// does it ask for the key file and passphrase: to sign the closing statement it recomputed, or (once k members
// signed) to decrypt the sums it recomputed. Whatever the server answers, nothing else is signed or decrypted.
(function () {
  const section = document.getElementById("member");
  if (!section) return;
  const round = section.dataset.round;
  const { post, T } = TinnhiemPage;
  const say = TinnhiemPage.status(document.getElementById("status"));
  const refusal = document.getElementById("refused");
  const form = document.getElementById("key");
  let checked = null;

  const REASONS = {
    "closing-count": T("số phiếu máy này đếm được khác số Ban kiểm phiếu đã xác nhận khi đóng bỏ phiếu"),
    "tally-sum": T("tổng mã hóa máy chủ gửi khác tổng máy này tự tính từ các phiếu"),
    "closing": T("biên bản đóng bỏ phiếu không có đủ chữ ký hợp lệ của Ban kiểm phiếu"),
    "election": T("mã nhận dạng cuộc bầu không khớp khóa và danh sách thẻ"),
    "card-signatures": T("danh sách thẻ không có đủ chữ ký hợp lệ của Ban kiểm phiếu"),
  };
  function refuse(check, detail) {
    const reason = REASONS[check] || T("hồ sơ máy chủ gửi có phần không hợp lệ");
    refusal.textContent = T("Không ký, không giải mã. Kiểm tra «{check}» không đạt: {reason} ({detail}). Báo ngay cho cả Ban kiểm phiếu.",
                            { check, reason, detail });
    refusal.hidden = false;
    form.hidden = true;
    document.getElementById("status").textContent = "";
  }
  async function json(path) {
    const response = await fetch(path);
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || response.statusText);
    return data;
  }

  document.getElementById("check").addEventListener("click", async () => {
    refusal.hidden = true; form.hidden = true; checked = null;
    say("Đang tải và kiểm tra từng phiếu…");
    await new Promise((done) => setTimeout(done, 20));  // let the status show before the long check
    let record, mine;
    try {
      record = await json(`/api/rounds/${round}/record`);
      mine = Tinnhiem.checkClosedRecord(record);
    } catch (e) { refuse(e.check || "format", e.check ? e.detail : e.message); return; }
    document.getElementById("count-ballots").textContent = mine.ballots;
    document.getElementById("count-issued").textContent = mine.issued;
    document.getElementById("count-paper").textContent = mine.paper;
    document.getElementById("counted").hidden = false;
    const signed = record.closing.signatures.length, needed = record.committee.threshold;
    document.getElementById("signed-so-far").textContent =
      T("Đã có {signed}/{needed} thành viên ký xác nhận.", { signed, needed });
    let phase = "sign";
    if (signed >= needed) {
      try { Tinnhiem.checkClosedRecord(record, { needClosingSignatures: true }); } catch (e) { refuse(e.check, e.detail); return; }
      let tally;
      try { tally = await json(`/api/rounds/${round}/tally`); } catch (e) { refuse("tally-sum", e.message); return; }
      const differs = mine.sums.findIndex((s, j) => !tally.rows[j] || tally.rows[j].alpha !== s.alpha || tally.rows[j].beta !== s.beta);
      if (differs >= 0 || tally.rows.length !== mine.sums.length) {
        refuse("tally-sum", T("người thứ {row}", { row: differs + 1 }));
        return;
      }
      phase = "decrypt";
    }
    checked = { record, mine, phase };
    document.getElementById("key-step").textContent = phase === "sign"
      ? T("Ký xác nhận kết thúc bỏ phiếu") : T("Giải mã phần của tôi (tổng do máy này tính)");
    document.getElementById("act").textContent = phase === "sign" ? T("Số phiếu trùng màn chiếu: ký xác nhận") : T("Giải mã phần của tôi");
    form.hidden = false;
    say("Hồ sơ hợp lệ trên máy này.");
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checked) return;
    const file = document.getElementById("keyfile").files[0];
    if (!file) return;
    say("Đang mở tệp khóa…");
    let key;
    try {
      key = Tinnhiem.openKeyFile(await file.text(), document.getElementById("passphrase").value);
    } catch (e) {
      say("Sai mật khẩu, hoặc tệp khóa không đúng.");
      return;
    }
    const { record, mine, phase } = checked;
    const mineKey = Tinnhiem.hex(Tinnhiem.verificationKey(record.committee.commitments, key.member));
    if (key.roundId !== round || mineKey !== Tinnhiem.hex(Tinnhiem.baseMul(key.share))) {
      say("Tệp khóa của cuộc lấy phiếu khác.");
      return;
    }
    try {
      if (phase === "sign") {
        const signed = Tinnhiem.signClosing(key.member, key.share, mine.message);
        const data = await post(`/api/rounds/${round}/closing-signatures`, signed);
        say("Đã ký xác nhận: {signed}/{needed} thành viên.", { signed: data.signed, needed: record.committee.threshold });
      } else {
        say("Đang tính phần giải mã…");
        const shares = Tinnhiem.decryptionShares(key.member, key.share, { manifest_hash: record.manifest_hash, rows: mine.sums });
        const data = await post(`/api/rounds/${round}/decryption-shares`, { member: key.member, shares });
        if (data.state === "tallied") say("Đã đủ thành viên: kết quả đã được giải mã.");
        else say("Đã nhận phần của thành viên {member}. Chờ các thành viên khác.", { member: key.member });
      }
      form.hidden = true;
    } catch (e) { say(e.message); }
  });
})();
