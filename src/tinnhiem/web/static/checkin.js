// The organisers' check-in: the whole list, searched as one types (diacritics optional), one tap per
// delegate with the channel, an undo, the counts and the quorum line always in view. Several organisers
// at once: each tap is one request; every page re-reads the list when the hall's live events say the
// number present changed, and every few seconds in any case.
(function () {
  const box = document.getElementById("checkin");
  if (!box) return;
  const { post, T: tr } = TinnhiemPage;
  const api = `/api/rounds/${box.dataset.code}/checkin`;
  const list = document.getElementById("checkin-list");
  const search = document.getElementById("checkin-search");
  const rows = new Map(); // number -> {item, key, channel}
  const CHANNEL = { electronic: tr("bỏ phiếu điện tử"), paper: tr("phiếu giấy") };
  const HAND = {
    electronic: tr("Phát cho đại biểu một thẻ bỏ phiếu."),
    paper: tr("Phát cho đại biểu một phiếu giấy."),
  };

  // "Nguyễn  Văn Ân" -> "nguyen van an" (as domain.names.folded does)
  const fold = (text) => text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase().replace(/\s+/g, " ").trim();

  function button(label, className, name) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.setAttribute("aria-label", `${name}: ${label}`);
    return b;
  }

  // How well the words typed find a delegate, lower is better (as domain.names.match_rank): 0 the whole
  // name as typed, 1 the whole name without diacritics, 2 every word a whole word, 3 every word begins a
  // word, 4 every word inside; null: not found. "nguyen van an" lists the Nguyễn Văn An first.
  const exact = (text) => text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  function rank(typed, row) {
    const words = fold(typed).split(" ").filter(Boolean);
    if (!words.length) return null;
    if (exact(typed) === row.exact) return 0;
    if (fold(typed) === row.folded) return 1;
    if (words.every((w) => row.words.includes(w))) return 2;
    if (words.every((w) => row.words.some((k) => k.startsWith(w)))) return 3;
    if (words.every((w) => row.key.includes(w))) return 4;
    return null;
  }

  function makeRow([number, name, unit, , detail]) {
    const item = document.createElement("li");
    item.dataset.number = number;
    const who = document.createElement("span");
    who.className = "who";
    who.innerHTML = '<span class="number"></span> <span class="name"></span>' +
      '<span class="meta"><span class="unit"></span><span class="detail"></span></span>';
    who.querySelector(".number").textContent = number + 1; // the list's STT counts from 1
    who.querySelector(".name").textContent = name;
    who.querySelector(".unit").textContent = unit;
    who.querySelector(".detail").textContent = detail || "";
    const state = document.createElement("span");
    state.className = "state";
    const electronic = button(tr("Điện tử"), "tap electronic", name);
    const paper = button(tr("Giấy"), "tap paper", name);
    const undo = button(tr("Hoàn tác"), "undo", name);
    electronic.addEventListener("click", () => tap(number, "electronic"));
    paper.addEventListener("click", () => tap(number, "paper"));
    undo.addEventListener("click", () => takeBack(number));
    const actions = document.createElement("span");
    actions.className = "actions";
    actions.append(state, electronic, paper, undo);
    item.append(who, actions);
    list.append(item);
    const key = fold(`${number + 1} ${name} ${unit} ${detail || ""}`);
    return { item, key, words: key.split(" "), exact: exact(name), folded: fold(name), name, unit,
      detail: detail || "", number, channel: undefined, state, electronic, paper, undo };
  }

  function showRow(row, channel) {
    if (row.channel === channel) return;
    row.channel = channel;
    row.item.className = channel ? `present ${channel}` : "";
    row.state.textContent = channel ? `✓ ${CHANNEL[channel]}` : "";
    row.electronic.hidden = row.paper.hidden = Boolean(channel);
    row.undo.hidden = !channel;
  }

  function showCounts(data) {
    for (const [id, value] of [["checkin-present", data.present], ["checkin-convened", data.convened],
      ["checkin-electronic", data.electronic], ["checkin-paper", data.paper], ["present-count", data.present]]) {
      const element = document.getElementById(id);
      if (element) element.textContent = value;
    }
    const line = document.getElementById("quorum-line");
    const met = data.present >= data.needed;
    line.dataset.met = met ? "yes" : "no";
    const rule = data.quorum_rule ? "" : tr(" (bộ quy tắc không bắt buộc)");
    line.textContent = met
      ? tr("Đủ 2/3 số được triệu tập (cần {needed})", { needed: data.needed }) + rule
      : tr("Chưa đủ 2/3: cần ít nhất {needed}, còn thiếu {missing}", { needed: data.needed, missing: data.needed - data.present }) + rule;
  }

  function show(data) {
    if (!rows.size) list.replaceChildren(); // the names the page came with, replaced by rows one can tap
    for (const delegate of data.delegates) {
      let row = rows.get(delegate[0]);
      if (!row) { row = makeRow(delegate); rows.set(delegate[0], row); }
      showRow(row, delegate[3] || null);
    }
    showCounts(data);
    markNamesakes();
    filter();
  }

  // Two rows with the same name say so, so that the number, unit and date of birth are read.
  function markNamesakes() {
    const seen = new Map();
    for (const row of rows.values()) seen.set(row.exact, (seen.get(row.exact) || 0) + 1);
    for (const row of rows.values()) row.item.classList.toggle("namesake", seen.get(row.exact) > 1);
  }

  function filter() {
    const words = fold(search.value).split(" ").filter(Boolean);
    let shown = 0;
    const found = [];
    for (const row of rows.values()) {
      const place = words.length ? rank(search.value, row) : 5;
      row.item.hidden = place === null;
      if (place !== null) { shown += 1; found.push([place, row.number, row]); }
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // best matches first, then in list order
    let previous = null;
    for (const [, , row] of found) { // moved only where out of place: the list is not rebuilt per key
      const wanted = previous ? previous.nextSibling : list.firstChild;
      if (wanted !== row.item) list.insertBefore(row.item, wanted);
      previous = row.item;
    }
    document.getElementById("checkin-shown").textContent = words.length
      ? tr("{shown} đại biểu khớp", { shown }) : tr("{count} đại biểu", { count: rows.size });
  }

  let last = null;
  function done(data) {
    const box = document.getElementById("checkin-done");
    last = data.done && data.done.channel ? data.done : null;
    box.hidden = !last;
    if (!last) return;
    refused(box, false);
    const apart = [last.unit, last.detail].filter(Boolean).join(", ");
    document.getElementById("checkin-done-name").textContent =
      `✓ ${last.number + 1}. ${last.name}${apart ? ` (${apart})` : ""}`;
    document.getElementById("checkin-done-channel").textContent = CHANNEL[last.channel];
    document.getElementById("checkin-hand").textContent = HAND[last.channel];
  }

  function refused(box, yes) {  // a refusal (a second card, another channel) in red, without the undo
    box.classList.toggle("refused", yes);
    document.getElementById("checkin-done-what").hidden = yes;
    document.getElementById("checkin-done-undo").hidden = yes;
  }

  function failed(error) {
    const box = document.getElementById("checkin-done");
    box.hidden = false;
    refused(box, true);
    document.getElementById("checkin-done-name").textContent = "";
    document.getElementById("checkin-done-channel").textContent = "";
    document.getElementById("checkin-hand").textContent = error.message.replace(/^\[[^\]]*\]\s*/, ""); // no "[field] "
    last = null;
    refresh();
  }

  async function tap(number, channel) {
    try {
      const data = await post(api, { number, channel });
      show(data);
      done(data);
      search.value = "";
      filter();
      search.focus();
    } catch (error) { failed(error); }
  }

  async function takeBack(number) {
    try {
      const data = await post(`${api}/undo`, { number });
      show(data);
      done({});
    } catch (error) { failed(error); }
  }

  let reading = false;
  async function refresh() {
    if (reading) return;
    reading = true;
    try {
      const response = await fetch(api, { headers: { Accept: "application/json" } });
      if (response.ok) show(await response.json());
    } finally { reading = false; }
  }

  search.addEventListener("input", filter);
  document.getElementById("checkin-done-undo").addEventListener("click", () => { if (last) takeBack(last.number); });
  const events = new EventSource(box.dataset.events);
  events.onmessage = refresh;
  setInterval(refresh, 4000);
  refresh();
})();
