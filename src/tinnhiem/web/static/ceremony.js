// A committee member's device in the key ceremony: every secret is made and kept here.
(function () {
  const form = document.getElementById("ceremony");
  if (!form) return;
  const round = form.dataset.round;
  const say = TinnhiemPage.status(document.getElementById("status"));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const post = (step, body) => TinnhiemPage.post(`/api/rounds/${round}/ceremony/${step}`, body);
  async function waitFor(phase, member) {
    for (;;) {
      const state = await (await fetch(`/api/rounds/${round}/ceremony?member=${member}`)).json();
      if (state.phase === phase || (phase === "receive" && state.phase === "done")) return state;
      await sleep(700);
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const member = Number(document.getElementById("member").value);
    const code = document.getElementById("member-code").value;
    const passphrase = document.getElementById("passphrase").value;
    if (passphrase.length < 10 || passphrase !== document.getElementById("passphrase2").value) {
      say("Mật khẩu phải dài ít nhất 10 ký tự và hai lần nhập phải khớp.");
      return;
    }
    form.querySelector("button").disabled = true;
    try {
      const deviceKey = Tinnhiem.randomScalar();
      await post("join", { member, member_code: code, device: Tinnhiem.hex(Tinnhiem.baseMul(deviceKey)) });
      say("Chờ các thành viên khác tham gia…");
      let state = await waitFor("deal", member);
      const { deal, own } = Tinnhiem.makeDeal(state, member);
      await post("deal", { member, member_code: code, deal });
      say("Chờ các thành viên khác chia khóa…");
      state = await waitFor("receive", member);
      const mine = Tinnhiem.receiveShares(state, member, deviceKey, own);
      say("Đang khóa tệp bằng mật khẩu…");
      const file = Tinnhiem.lockKeyFile(round, member, deviceKey, mine.share, passphrase);
      await post("confirm", { member, member_code: code, verification_key: mine.verificationKey });
      const link = document.getElementById("download");
      link.href = URL.createObjectURL(new Blob([file], { type: "application/json" }));
      link.download = `${round}-thanh-vien-${member}.key`;
      link.hidden = false;
      say("Xong. Tải tệp khóa về và giữ cẩn thận; máy chủ không giữ bản nào.");
    } catch (e) {
      say(e.message);
      form.querySelector("button").disabled = false;
    }
  });
})();
