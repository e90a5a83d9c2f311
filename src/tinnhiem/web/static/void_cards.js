// The committee's cards: void the unused ones, seal the reserve (each scanned or typed code becomes its public
// credential on this device; only that is sent), and release reserve cards one at a time, by count: no card
// is named, so the server never learns which reserve card a latecomer holds.
(function () {
  const plain = (message) => message.replace(/^\[[^\]]*\]\s*/, "");  // the server's "[field] " is not for people
  const show = (data) => {
    for (const [id, key] of [["void-count", "void"], ["sealed-count", "sealed"], ["released-count", "released"],
      ["electronic-count", "electronic"]]) {
      const element = document.getElementById(id);
      if (element && key in data) element.textContent = data[key];
    }
  };
  const form = document.getElementById("void-cards");
  if (form) {
    const round = form.dataset.round;
    const say = TinnhiemPage.status(document.getElementById("status"));
    const credentials = () => {
      const lines = document.getElementById("codes").value.split(/\n+/).map((l) => l.trim()).filter(Boolean);
      try { return lines.map((line) => Tinnhiem.publicCredential(round, line)); } catch (e) {
        say("Có mã thẻ không đúng: kiểm tra lại từng dòng.");
        return null;
      }
    };
    const send = async (action, done) => {
      const listed = credentials();
      if (!listed) return;
      try {
        const data = await TinnhiemPage.post(`/api/rounds/${round}/cards/${action}`, { credentials: listed });
        show(data);
        document.getElementById("codes").value = "";
        done(data);
      } catch (e) { say(plain(e.message)); }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send("void", (data) => say("Đã hủy {voided} thẻ.", { voided: data.voided }));
    });
    const seal = document.getElementById("seal");
    if (seal) seal.addEventListener("click", () => send("seal", (data) => say("Đã niêm phong {count} thẻ dự phòng.", { count: data.count })));
  }
  const release = document.getElementById("release");
  if (release) {
    const say = TinnhiemPage.status(document.getElementById("release-status"));
    document.getElementById("release-one").addEventListener("click", async () => {
      try {
        const data = await TinnhiemPage.post(`/api/rounds/${release.dataset.round}/reserve/release`, {});
        show(data);
        say("Đã mở một thẻ dự phòng (lần thứ {released}). Đại biểu đến muộn đăng nhập bằng thẻ của mình.", { released: data.released });
      } catch (e) { say(plain(e.message)); }
    });
  }
})();
