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
    say("Đang mở tệp khóa…", "Opening the key file…");
    let key;
    try {
      key = Tinnhiem.openKeyFile(await file.text(), document.getElementById("passphrase").value);
    } catch (e) {
      say("Sai mật khẩu, hoặc tệp khóa không đúng.", "Wrong passphrase, or not a key file.");
      return;
    }
    if (key.roundId !== round) { say("Tệp khóa của cuộc lấy phiếu khác.", "This key file is for another round."); return; }
    const tally = await (await fetch(`/api/rounds/${round}/tally`)).json();
    say("Đang tính phần giải mã…", "Computing the decryption share…");
    const shares = Tinnhiem.decryptionShares(key.member, key.share, tally);
    let data;
    try {
      data = await TinnhiemPage.post(`/api/rounds/${round}/decryption-shares`, { member: key.member, shares });
    } catch (e) { say(e.message, e.message); return; }
    if (data.state === "tallied") say("Đã đủ thành viên: kết quả đã được giải mã.", "Enough members: the tally is decrypted.");
    else say(`Đã nhận phần của thành viên ${key.member}. Chờ các thành viên khác.`, `Member ${key.member}'s share received. Waiting for the others.`);
  });
})();
