// A card's QR code opens /r/ROUND/vote#card=CODE: fill the code in, then drop it from the address bar.
// The fragment never reaches the server, so no log holds a code.
(function () {
  function fill() {
    const match = location.hash.match(/^#card=([0-9A-Za-z-]{1,40})$/);
    if (!match) return;
    document.getElementById("card").value = match[1];
    history.replaceState(null, "", location.pathname + location.search);
  }
  fill();
  window.addEventListener("hashchange", fill);
})();
