// The projector: live turnout from server-sent events (no polling from the page itself); the results'
// pages turn by themselves every few seconds, and by key (→ PageDown Space: next; ← PageUp: back).
(function () {
  const box = document.getElementById("turnout");
  if (box) {
    const events = new EventSource(box.dataset.events);
    events.onmessage = (message) => {
      const state = JSON.parse(message.data);
      document.getElementById("voted").textContent = state.turnout;
      document.getElementById("present").textContent = state.present;
      // Reload once, when the state becomes "tallied" while this page is open; a page that already showed
      // "tallied" without results (a figure missing: said on the page) waits for the next change instead.
      if (state.state === "tallied" && box.dataset.state !== "tallied") { events.close(); location.reload(); }
      if (state.figures !== undefined && state.figures !== box.dataset.figures) { events.close(); location.reload(); }
    };
  }
  const table = document.getElementById("results");
  if (!table) return;
  table.style.setProperty("--rows", table.dataset.rows); // every row of a page fits the screen's height
  const pages = Array.from(table.querySelectorAll("tbody.page"));
  if (pages.length < 2) return;
  let current = 0;
  let timer = null;
  function show(index) {
    current = (index + pages.length) % pages.length;
    pages.forEach((page, i) => { page.hidden = i !== current; });
    document.getElementById("page-number").textContent = current + 1;
    clearInterval(timer);
    timer = setInterval(() => show(current + 1), Number(table.dataset.seconds) * 1000);
  }
  document.addEventListener("keydown", (event) => {
    if (["ArrowRight", "PageDown", " "].includes(event.key)) { event.preventDefault(); show(current + 1); }
    if (["ArrowLeft", "PageUp"].includes(event.key)) { event.preventDefault(); show(current - 1); }
    if (event.key === "Home") show(0);
  });
  show(0);
})();
