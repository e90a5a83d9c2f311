// Sign in with a voting card. The card's QR code opens /r/ROUND/vote#card=CODE: the code is read from the
// fragment (which browsers never send to the server), dropped from the address bar, and used on this device
// only: the page derives the card's key, signs the server's nonce with it, and sends the public credential
// and the signature. The code itself stays in this tab (sessionStorage) to sign the ballot.
(function () {
  const form = document.getElementById("sign-in");
  if (!form) return;
  const round = form.dataset.round;
  const input = document.getElementById("card");
  const problem = document.getElementById("card-error");
  const { post, T } = TinnhiemPage;
  const tell = (text, params) => { problem.textContent = T(text, params); problem.hidden = false; };
  const plain = (message) => message.replace(/^\[[^\]]*\]\s*/, "");  // the server's "[field] " is not for delegates

  async function signIn() {
    problem.hidden = true;
    let card;
    try { card = Tinnhiem.normaliseCard(input.value); } catch (e) {
      tell("Mã thẻ không đúng: cần 20 ký tự (chữ in hoa và số 2–9).");
      input.focus();
      return;
    }
    try {
      const election = await (await fetch(`/api/rounds/${round}/election`)).json();
      const proof = Tinnhiem.signIn(election.manifest, election.election, card, form.dataset.nonce);
      const data = await post(`/api/rounds/${round}/sign-in`, proof);
      sessionStorage.setItem(`tinnhiem-card-${round}`, card);
      location.assign(data.next);
    } catch (e) { tell(plain(e.message)); }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); signIn(); });
  function fromFragment() {
    const match = location.hash.match(/^#card=([0-9A-Za-z-]{1,60})$/);
    if (!match) return;
    input.value = match[1];
    history.replaceState(null, "", location.pathname + location.search);
    signIn();
  }
  fromFragment();
  window.addEventListener("hashchange", fromFragment);
})();
