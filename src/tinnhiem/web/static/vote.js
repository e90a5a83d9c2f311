// The delegate's ballot (docs/protocol.md): review, then ONE step, "Bỏ phiếu": the ballot is encrypted, signed by
// the card and cast on this device. Those who want to check the device first take "Kiểm tra máy trước khi bỏ
// phiếu" (Benaloh): the device encrypts and shows the code, then either opens it (the spoiled ballot is posted
// without cookies and without the card: it names neither; the marks are cleared and the delegate marks again) or
// casts that very ballot, so the device cannot know beforehand which ballot will be opened.
// The cast ballot is kept in sessionStorage until the server confirms it (a retry sends the very same ballot);
// the server's signed receipt is checked here and kept in localStorage to show and download.
(function () {
  const form = document.getElementById("ballot");
  if (!form) return;
  const round = form.dataset.round;
  const { post, T: say } = TinnhiemPage;
  const rows = Array.from(form.querySelectorAll("fieldset.row"));
  const PANELS = ["ballot", "review-panel", "check-panel", "done-panel", "opened-panel"];
  const show = (id) => {
    for (const p of PANELS) document.getElementById(p).hidden = p !== id;
    const heading = document.querySelector(`#${id} h2`);
    if (heading) heading.focus();
  };
  const error = (text) => { const e = document.getElementById("error"); e.textContent = text; e.hidden = !text; };
  const choices = () => rows.map((row) => {
    const picked = row.querySelector("input:checked");
    return picked ? Number(picked.value) : null;
  });
  const labelOf = (row, choice) => choice === null ? say("(để trống)")
    : row.querySelectorAll("label.choice span")[choice].textContent;
  let pending = null;  // the ballot the device encrypted on the check path, not yet opened or cast
  const key = `tinnhiem-ballot-${round}`;
  const cardKey = `tinnhiem-card-${round}`;
  const receiptKey = `tinnhiem-receipt-${round}`;
  const card = sessionStorage.getItem(cardKey);
  if (!card) {
    document.getElementById("no-card").hidden = false;
    document.getElementById("review").disabled = true;
  }
  let election = null;
  const electionData = async () => election || (election = await (await fetch(`/api/rounds/${round}/election`)).json());
  const encrypt = async () => {
    const e = await electionData();
    return Tinnhiem.encryptBallot(e.manifest, e.election, e.joint_key, choices());
  };

  document.getElementById("review").addEventListener("click", () => {
    const picked = choices();
    const list = document.getElementById("summary");
    list.replaceChildren(...rows.map((row, i) => {
      const item = document.createElement("li");
      item.textContent = `${row.querySelector("legend strong").textContent}: ${labelOf(row, picked[i])}`;
      if (picked[i] === null) item.className = "blank";
      row.classList.toggle("blank", picked[i] === null);
      return item;
    }));
    document.getElementById("blank-warning").hidden = !picked.includes(null);
    show("review-panel");
  });
  document.getElementById("back").addEventListener("click", () => show("ballot"));

  function receiptValid(receipt, code) {
    const e = election;
    return Boolean(receipt && e && receipt.format === "tinnhiem-receipt/1" && receipt.election === e.election
      && receipt.code === code && Tinnhiem.verifySignature(receipt.signature, Tinnhiem.unhex(e.receipt_key), "receipt",
                                                           Tinnhiem.unhex(receipt.election + receipt.code)));
  }
  function showReceipt(receipt, short) {
    document.getElementById("done-code").textContent = short;
    document.getElementById("done-full").textContent = receipt.code;
    document.getElementById("done-election").textContent = grouped(receipt.election);
    document.getElementById("done-qr").innerHTML = Tinnhiem.qrSvg(receipt.code, say("Mã QR của mã theo dõi đầy đủ"));
    document.getElementById("receipt-bad").hidden = receiptValid(receipt, receipt.code);
    document.getElementById("receipt-save").onclick = () => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 1)], { type: "application/json" }));
      link.download = `bien-nhan-${short}.json`;
      link.click();
    };
    document.getElementById("receipt-copy").onclick = async () => {
      try {
        await navigator.clipboard.writeText(JSON.stringify(receipt));
        document.getElementById("receipt-copied").textContent = say("Đã sao chép biên nhận.");
      } catch (e) { document.getElementById("receipt-copied").textContent = JSON.stringify(receipt); }
    };
    show("done-panel");
  }
  async function cast(ballot) {
    sessionStorage.setItem(key, JSON.stringify(ballot));
    const data = await post(`/api/rounds/${round}/ballots`, ballot);
    if (data.code !== ballot.code) throw new Error(say("Máy chủ trả về mã khác mã của phiếu này."));
    await electionData();
    localStorage.setItem(receiptKey, JSON.stringify({ receipt: data.receipt, short: data.short }));
    sessionStorage.removeItem(key);
    sessionStorage.removeItem(cardKey);
    showReceipt(data.receipt, data.short);
  }
  async function castNow(button, made) {
    button.disabled = true;
    error("");
    try {
      const encrypted = made || await encrypt();
      await cast(Tinnhiem.signBallot(encrypted.ballot, (await electionData()).manifest.round_id, card));
    } catch (e) { error(e.message); button.disabled = false; }
  }
  document.getElementById("cast").addEventListener("click", (event) => castNow(event.target, null));
  document.getElementById("check").addEventListener("click", async () => {
    error("");
    pending = await encrypt();
    document.getElementById("tracking").textContent = pending.shortCode;
    show("check-panel");
  });
  document.getElementById("cast-checked").addEventListener("click", (event) => castNow(event.target, pending));
  document.getElementById("open").addEventListener("click", async () => {
    error("");
    try {
      // No cookie, no CSRF token, no card: the server cannot tie this opening to a session or a card.
      const response = await fetch(`/api/rounds/${round}/spoiled`, {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ballot: pending.ballot, ...pending.secrets }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((TinnhiemPage.english && data.message_en) || data.message || response.statusText);
      document.getElementById("spoiled-code").textContent = data.short;
      document.getElementById("spoiled-full").textContent = data.code;
      document.getElementById("opened").replaceChildren(...rows.map((row, i) => {
        const item = document.createElement("li");
        item.textContent = `${row.querySelector("legend strong").textContent}: ${labelOf(row, data.choices[i])}`;
        return item;
      }));
      pending = null;
      for (const input of form.querySelectorAll("input:checked")) input.checked = false;  // mark again
      for (const row of rows) row.classList.remove("blank");
      show("opened-panel");
    } catch (e) { error(e.message); }
  });
  document.getElementById("again").addEventListener("click", () => show("ballot"));
  const unsent = sessionStorage.getItem(key);
  if (unsent) cast(JSON.parse(unsent)).catch((e) => error(e.message));
})();

// The election's identity E as the projector and the minutes print it: groups of four hexadecimal digits.
function grouped(hex) { return String(hex || "").replace(/(.{4})(?=.)/g, "$1 "); }

// On the page of a card that has voted: the receipt this phone kept, to show and download again.
(function () {
  const kept = document.getElementById("kept-receipt");
  if (!kept) return;
  const stored = localStorage.getItem(`tinnhiem-receipt-${kept.dataset.round}`);
  if (!stored) return;
  const { receipt, short } = JSON.parse(stored);
  document.getElementById("kept-code").textContent = short;
  document.getElementById("kept-election").textContent = grouped(receipt.election);
  document.getElementById("kept-json").textContent = JSON.stringify(receipt);
  kept.hidden = false;
})();
