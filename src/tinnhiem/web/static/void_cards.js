// Void unused cards: each scanned or typed code becomes its public credential on this device; only that is sent.
(function () {
  const form = document.getElementById("void-cards");
  if (!form) return;
  const round = form.dataset.round;
  const say = TinnhiemPage.status(document.getElementById("status"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const lines = document.getElementById("codes").value.split(/\n+/).map((l) => l.trim()).filter(Boolean);
    let credentials;
    try { credentials = lines.map((line) => Tinnhiem.publicCredential(round, line)); } catch (e) {
      say("Có mã thẻ không đúng: kiểm tra lại từng dòng.");
      return;
    }
    try {
      const data = await TinnhiemPage.post(`/api/rounds/${round}/cards/void`, { credentials });
      document.getElementById("void-count").textContent = data.void;
      document.getElementById("codes").value = "";
      say("Đã hủy {voided} thẻ.", { voided: data.voided });
    } catch (e) { say(e.message); }
  });
})();
