// What every page script shares: the session's CSRF token, the language, JSON posts, a status line.
window.TinnhiemPage = (function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const english = document.documentElement.lang === "en";
  async function post(path, body) {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                                         body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(english ? data.message_en || response.statusText : data.message || response.statusText);
    return data;
  }
  function status(element) {
    return (vi, en) => { element.textContent = english ? en : vi; };
  }
  return { csrf, english, post, status };
})();
