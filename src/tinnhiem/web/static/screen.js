// The projector's live turnout, from server-sent events (no polling from the page itself).
(function () {
  const box = document.getElementById("turnout");
  if (!box) return;
  const events = new EventSource(box.dataset.events);
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    document.getElementById("voted").textContent = state.turnout;
    document.getElementById("present").textContent = state.present;
    if (state.state === "tallied") { events.close(); location.reload(); }
  };
})();
