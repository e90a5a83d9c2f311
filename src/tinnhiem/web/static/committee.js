// A committee member's device: open the key file here, compute and prove the decryption share here.
(function () {
  const form = document.getElementById("decrypt");
  if (!form) return;
  const round = form.dataset.round;
  const say = TinnhiemPage.status(document.getElementById("status"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
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
    if (key.roundId !== round) { say("Tệp khóa của cuộc lấy phiếu khác."); return; }
    const tally = await (await fetch(`/api/rounds/${round}/tally`)).json();
    say("Đang tính phần giải mã…");
    const shares = Tinnhiem.decryptionShares(key.member, key.share, tally);
    let data;
    try {
      data = await TinnhiemPage.post(`/api/rounds/${round}/decryption-shares`, { member: key.member, shares });
    } catch (e) { say(e.message); return; }
    if (data.state === "tallied") say("Đã đủ thành viên: kết quả đã được giải mã.");
    else say("Đã nhận phần của thành viên {member}. Chờ các thành viên khác.", { member: key.member });
  });
})();
