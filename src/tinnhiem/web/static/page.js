// What every page script shares: the session's CSRF token, the language, JSON posts, a status line.
// Texts are written in Vietnamese: T(text, {name: value}) gives the page's language from the translations
// the server hands the page (the message catalogue, src/tinnhiem/locale), filling the {placeholders}.
window.TinnhiemPage = (function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const english = document.documentElement.lang === "en";
  const catalogue = JSON.parse(document.getElementById("script-messages")?.textContent || "{}");
  function T(text, params) {
    return (catalogue[text] || text).replace(/\{(\w+)\}/g, (whole, name) => (params && name in params ? params[name] : whole));
  }
  async function post(path, body) {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                                         body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(english ? data.message_en || response.statusText : data.message || response.statusText);
    return data;
  }
  function status(element) {
    return (text, params) => { element.textContent = T(text, params); };
  }
  return { csrf, english, post, status, T };
})();
