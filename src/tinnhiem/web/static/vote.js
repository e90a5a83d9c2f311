// The delegate's ballot: review, encrypt on this device, then cast or challenge (docs/protocol.md §6).
// The card's code (from the sign-in page, this tab only) signs the ballot on this device. The encrypted
// ballot is kept in sessionStorage until the server confirms it, so a retry after a network failure
// sends the very same ballot (the server answers with the same tracking code).
(function () {
  const form = document.getElementById("ballot");
  if (!form) return;
  const round = form.dataset.round;
  const { post, T: say } = TinnhiemPage;
  const rows = Array.from(form.querySelectorAll("fieldset.row"));
  const show = (id) => {
    for (const p of ["ballot", "review-panel", "cast-panel", "done-panel", "challenge-panel"]) {
      document.getElementById(p).hidden = p !== id;
    }
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
  let pending = null;
  const key = `tinnhiem-ballot-${round}`;
  const cardKey = `tinnhiem-card-${round}`;
  const card = sessionStorage.getItem(cardKey);
  if (!card) { document.getElementById("no-card").hidden = false; document.getElementById("review").disabled = true; }

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
  document.getElementById("encrypt").addEventListener("click", async () => {
    error("");
    const election = await (await fetch(`/api/rounds/${round}/election`)).json();
    pending = Tinnhiem.encryptBallot(election.manifest, election.joint_key, choices(), card);
    document.getElementById("tracking").textContent = pending.shortCode;
    show("cast-panel");
  });
  async function cast(ballot) {
    sessionStorage.setItem(key, JSON.stringify(ballot));
    const data = await post(`/api/rounds/${round}/ballots`, ballot);
    if (data.code !== ballot.code) throw new Error(say("Máy chủ trả về mã khác mã của phiếu này."));
    sessionStorage.removeItem(key);
    sessionStorage.removeItem(cardKey);
    document.getElementById("done-code").textContent = data.short;
    document.getElementById("done-full").textContent = data.code;
    document.getElementById("done-qr").innerHTML = Tinnhiem.qrSvg(data.code, say("Mã QR của mã theo dõi đầy đủ"));
    show("done-panel");
  }
  document.getElementById("cast").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try { await cast(pending.ballot); } catch (e) { error(e.message); event.target.disabled = false; }
  });
  document.getElementById("challenge").addEventListener("click", async () => {
    try {
      const data = await post(`/api/rounds/${round}/challenges`, { ballot: pending.ballot, secrets: pending.secrets });
      document.getElementById("spoiled-code").textContent = data.short;
      document.getElementById("spoiled-full").textContent = data.code;
      document.getElementById("opened").replaceChildren(...rows.map((row, i) => {
        const item = document.createElement("li");
        item.textContent = `${row.querySelector("legend strong").textContent}: ${labelOf(row, data.choices[i])}`;
        return item;
      }));
      pending = null;
      show("challenge-panel");
    } catch (e) { error(e.message); }
  });
  document.getElementById("again").addEventListener("click", () => show("ballot"));
  const unsent = sessionStorage.getItem(key);
  if (unsent) cast(JSON.parse(unsent)).catch((e) => error(e.message));
})();
