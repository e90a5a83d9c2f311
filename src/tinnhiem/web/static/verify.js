// The verifier page: load a record, run every check of docs/protocol.md §12 in Web Workers, show
// the progress, the verdict (the first failing check named as `tinnhiem verify` names it), each check's result
// and the published counts; check one delegate's ballot by its tracking code. Works from the hall and from the
// saved file (file://, no network).
(function () {
  const { T } = window.TinnhiemPage;
  const V = window.TinnhiemVerifier;
  const $ = (id) => document.getElementById(id);
  const messages = JSON.parse($("check-messages").textContent);
  const english = document.documentElement.lang === "en";
  V.startWorkers();  // the Web Workers start now and load the WASM, so that a check finds them ready

  // What each check of §12 establishes, in plain words (the names are those of `tinnhiem verify`).
  const PLAIN = {
    "format": T("Tệp đúng định dạng hồ sơ tinnhiem, không thừa, không thiếu trường nào"),
    "encoding": T("Mọi khóa, bản mã, chữ ký và mã băm được ghi đúng một cách duy nhất"),
    "bounds": T("Mọi con số và độ dài danh sách nằm trong giới hạn cho phép"),
    "levels": T("Các mức tín nhiệm là một trong hai danh sách quy định"),
    "order": T("Các danh sách theo thứ tự chuẩn, không lặp (thứ tự không tiết lộ ai bỏ phiếu lúc nào)"),
    "tracking-code": T("Mã theo dõi của mỗi phiếu khớp nội dung phiếu"),
    "spoiled-code": T("Mã theo dõi của mỗi phiếu hủy để kiểm tra khớp nội dung"),
    "manifest-hash": T("Thông tin cuộc lấy phiếu (danh sách người, mức, số phiếu tối đa) khớp mã băm"),
    "capacity": T("Cách đếm chứa được mọi phiếu mà không tràn"),
    "threshold": T("Ngưỡng giải mã k hợp lệ (2 ≤ k ≤ n)"),
    "committee-members": T("Các thành viên Ban kiểm phiếu được đánh số 1…n, mỗi người một lần"),
    "coefficient-proof": T("Khóa của từng thành viên Ban kiểm phiếu có chứng minh đúng"),
    "joint-key": T("Khóa chung là tổng khóa các thành viên"),
    "election": T("Mã nhận dạng cuộc bầu E khớp khóa, khóa biên nhận và danh sách thẻ, và khớp E do hội trường công bố (nếu có)"),
    "card-signatures": T("Ít nhất k thành viên Ban kiểm phiếu đã ký danh sách thẻ"),
    "cards-issued": T("Số thẻ đã phát không vượt số thẻ trong danh sách"),
    "checkins": T("Số thẻ đã phát bằng số đại biểu điểm danh bỏ phiếu điện tử"),
    "ballot-credential": T("Mỗi phiếu do một thẻ có trong danh sách và chưa bị hủy bỏ"),
    "credential-reuse": T("Không thẻ nào bỏ hai phiếu"),
    "cards-voided": T("Khi đóng bỏ phiếu, mọi thẻ chưa dùng đã bị hủy"),
    "ballot-limit": T("Số phiếu không vượt số phiếu tối đa"),
    "ballots-over-cards": T("Số phiếu không vượt số thẻ đã phát"),
    "challenge-limit": T("Số phiếu hủy để kiểm tra không vượt 3 lần số thẻ"),
    "ballot-round": T("Mỗi phiếu thuộc đúng cuộc bầu này"),
    "ballot-shape": T("Mỗi phiếu có đúng một dòng cho mỗi người"),
    "ballot-signature": T("Mỗi phiếu có chữ ký đúng của thẻ bỏ phiếu"),
    "ballot-proof": T("Mỗi dòng của mỗi phiếu chứng minh chỉ chọn đúng một mức (hoặc để trống)"),
    "duplicate": T("Không bản mã nào bị sao chép giữa các phiếu"),
    "spoiled-opening": T("Mỗi phiếu hủy để kiểm tra mở ra đúng nội dung đã mã hóa"),
    "closing": T("Ít nhất k thành viên Ban kiểm phiếu đã ký biên bản đóng bỏ phiếu với đúng số phiếu và danh sách phiếu"),
    "receipt-election": T("Mọi biên nhận đưa vào được cấp trong đúng cuộc bầu của hồ sơ"),
    "receipt": T("Mọi biên nhận hợp lệ đưa vào đều có phiếu trong hồ sơ"),
    "complete": T("Hồ sơ đã có kết quả kiểm phiếu"),
    "ballot-count": T("Số phiếu ghi trong kết quả bằng số phiếu trong hồ sơ"),
    "tally-sum": T("Tổng mã hóa của mỗi người bằng tổng các phiếu"),
    "decryption-members": T("Người giải mã là các thành viên khác nhau của Ban kiểm phiếu"),
    "decryption-quorum": T("Đủ k thành viên cùng giải mã"),
    "decryption-proof": T("Mỗi phần giải mã có chứng minh đúng"),
    "plaintext": T("Số phiếu công bố đúng là kết quả giải mã"),
  };
  const LEVELS = { cao: T("Tín nhiệm cao"), tin_nhiem: T("Tín nhiệm"), thap: T("Tín nhiệm thấp"),
                   khong_tin_nhiem: T("Không tín nhiệm") };
  const STAGES = { reading: T("Đang đọc hồ sơ và kiểm tra định dạng…"), checks: T("Đang kiểm tra khóa, chữ ký và danh sách thẻ…"),
                   tally: T("Đang kiểm tra kết quả giải mã…") };

  let record = null; // {bytes, name}
  let lastResult = null;

  function sentence(check, params) {
    let text = messages[check] || check;
    const values = { ...params };
    if (values.reason && messages[values.reason]) values.reason = messages[values.reason];
    return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] === undefined || values[name] === null ? "—" : String(values[name])));
  }
  const sizeText = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`);

  function showSourceError(text) {
    $("source-error").textContent = text;
    $("source-error").hidden = false;
  }
  function loaded(bytes, name) {
    record = { bytes, name };
    lastResult = null;
    $("source-error").hidden = true;
    $("record-name").textContent = name;
    $("record-size").textContent = sizeText(bytes.length);
    $("record-sha").textContent = V.sha256Hex(bytes);
    $("record-loaded").hidden = false;
    $("verify-start").disabled = false;
    $("own-check").disabled = false;
    for (const id of ["verdict", "counts", "check-details", "progress-box"]) $(id).hidden = true;
    $("own-result").textContent = "";
  }

  async function fetchRecord(code) {
    const response = await fetch(`/api/rounds/${encodeURIComponent(code)}/record`, { credentials: "omit" });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      throw new Error((english ? data.message_en : data.message) || T("Hội trường chưa công bố hồ sơ của cuộc lấy phiếu này."));
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  // The E the hall announced for this round (what the phones showed), to pre-fill the field; null if none.
  async function hallElection(code) {
    const response = await fetch(`/api/rounds/${encodeURIComponent(code)}/election`, { credentials: "omit" });
    if (!response.ok) return null;
    const data = await response.json().catch(() => ({}));
    return typeof data.election === "string" ? data.election : null;
  }

  if ($("from-hall")) {
    $("from-hall").addEventListener("submit", async (event) => {
      event.preventDefault();
      const code = $("round-code").value.trim();
      if (!code) return;
      try {
        const bytes = await fetchRecord(code);
        const announced = await hallElection(code).catch(() => null);
        if (announced !== null) $("election-e").value = announced;
        loaded(bytes, code);
      } catch (error) { showSourceError(error.message); }
    });
    $("from-hash").addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = $("record-hash").value.trim().toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(wanted)) { showSourceError(T("Mã SHA-256 gồm 64 chữ số hex (0–9, a–f).")); return; }
      try {
        const { rounds } = await (await fetch("/api/records", { credentials: "omit" })).json();
        for (const code of rounds) {
          const bytes = await fetchRecord(code);
          if (V.sha256Hex(bytes) === wanted) { loaded(bytes, code); return; }
        }
        showSourceError(T("Không hồ sơ nào của hội trường có mã SHA-256 này."));
      } catch (error) { showSourceError(error.message); }
    });
  }
  $("record-file").addEventListener("change", async () => {
    const file = $("record-file").files[0];
    if (file) loaded(new Uint8Array(await file.arrayBuffer()), file.name);
  });

  // Each receipt file as `tinnhiem verify --receipt` reads it (null: not a receipt, it proves nothing).
  async function receiptsGiven() {
    const out = [];
    for (const file of $("receipt-files").files) out.push(V.readReceipt(new Uint8Array(await file.arrayBuffer())));
    return out;
  }

  // The E typed or pre-filled: {election: lower-case hex or null}, or {bad: true} (said under the field).
  function electionGiven() {
    const text = $("election-e").value.trim();
    $("election-error").hidden = true;
    if (!text) return { election: null };
    const election = V.electionArgument(text);
    if (election !== null) return { election };
    $("election-error").textContent = T("Mã E gồm 64 chữ số hex (0–9, a–f; chữ hoa hay thường, dấu gạch đều được).");
    $("election-error").hidden = false;
    $("election-e").focus();
    return { bad: true };
  }

  function renderChecks(result) {
    const list = $("check-list");
    list.textContent = "";
    const failedAt = result.valid ? -1 : V.CHECKS.indexOf(result.check);
    V.CHECKS.forEach((check, i) => {
      const li = document.createElement("li");
      let state, mark;
      if ((check === "receipt" || check === "receipt-election") && !result.receiptsGiven) { state = "skipped"; mark = T("không có biên nhận"); }
      else if (result.valid || i < failedAt) { state = "passed"; mark = T("đạt"); }
      else if (i === failedAt) { state = "failed"; mark = T("KHÔNG ĐẠT"); }
      else { state = "not-run"; mark = T("chưa kiểm tra"); }
      li.className = state;
      li.dataset.check = check;
      const name = document.createElement("code");
      name.textContent = check;
      li.append(`${state === "passed" ? "✔" : state === "failed" ? "✘" : "–"} `, name, ` — ${PLAIN[check]}: `);
      const strong = document.createElement("strong");
      strong.textContent = mark;
      li.append(strong);
      list.append(li);
    });
    $("check-details").hidden = false;
    $("check-details").open = !result.valid;
  }

  function renderCounts(result) {
    const box = $("counts");
    box.textContent = "";
    const p = document.createElement("p");
    p.textContent = T("Số phiếu đã bỏ: {ballots}; phiếu hủy để kiểm tra (không tính): {spoiled}.", { ballots: result.ballots, spoiled: result.spoiled });
    const wrap = document.createElement("div");
    wrap.className = "corner-scroll";
    const table = document.createElement("table");
    table.className = "counts";
    const head = table.insertRow();
    for (const text of [T("Người được lấy phiếu"), ...result.levels.map((l) => LEVELS[l] || l), T("Để trống")]) {
      const th = document.createElement("th"); th.textContent = text; head.append(th);
    }
    result.subjects.forEach((name, j) => {
      const row = table.insertRow();
      for (const value of [name, ...result.counts[j], result.empty[j]]) row.insertCell().textContent = String(value);
    });
    wrap.append(table);
    box.append(p, wrap);
    box.hidden = false;
  }

  $("verify-start").addEventListener("click", async () => {
    if (!record) return;
    const given = electionGiven();
    if (given.bad) return;
    const button = $("verify-start");
    button.disabled = true;
    for (const id of ["verdict", "counts", "check-details"]) $(id).hidden = true;
    $("progress-box").hidden = false;
    const bar = $("progress"), text = $("progress-text");
    bar.value = 0;
    const receipts = await receiptsGiven();
    const started = performance.now();
    let total = 0, done = 0;
    const runBallots = (r) => {
      total = r.ballots.length + r.spoiled.length;
      text.textContent = T("Đang kiểm tra từng phiếu: {done}/{total} (dùng {workers} luồng)…", { done: 0, total, workers: V.workerCount() });
      return V.poolRunner({ done: (k) => {
        done += k;
        bar.value = 50 + Math.round(900 * done / Math.max(1, total));
        text.textContent = T("Đang kiểm tra từng phiếu: {done}/{total} (dùng {workers} luồng)…", { done, total, workers: V.workerCount() });
      } })(r);
    };
    const progress = (stage) => {
      if (stage === "reading") bar.value = 20;
      if (stage === "checks") bar.value = 960;
      if (stage === "tally") bar.value = 980;
      if (STAGES[stage]) text.textContent = STAGES[stage];
    };
    const result = await V.verifyRecordBytes(record.bytes, { runBallots, receipts, progress, election: given.election });
    result.receiptsGiven = receipts.length > 0;
    bar.value = 1000;
    showResult(result, performance.now() - started, false);
    button.disabled = false;
  });

  function showResult(result, elapsed, receiptOnly) {
    lastResult = result.valid ? result : null;
    const verdict = $("verdict");
    verdict.textContent = "";
    verdict.className = result.valid ? "notice" : "alert";
    const title = document.createElement("p");
    const strong = document.createElement("strong");
    if (result.valid) {
      strong.textContent = T("HỒ SƠ HỢP LỆ: mọi bước kiểm tra đều đạt.");
      title.append(strong);
    } else {
      strong.textContent = T("HỒ SƠ KHÔNG HỢP LỆ.");
      const name = document.createElement("code");
      name.className = "check-name";
      name.textContent = result.check;
      title.append(strong, " ", T("Bước kiểm tra không đạt đầu tiên:"), " ", name);
    }
    verdict.append(title);
    if (!result.valid) {
      const why = document.createElement("p");
      why.textContent = result.check === "error" ? T("Trang kiểm tra gặp lỗi: {reason}", result.params) : sentence(result.check, result.params);
      verdict.append(why);
    }
    if (result.valid) {
      const e = document.createElement("p");
      if (result.election) {
        e.textContent = T("E của hồ sơ đúng là E do hội trường công bố:") + " ";
        const code = document.createElement("code");
        code.className = "full-code";
        code.textContent = result.election;
        e.append(code);
      } else {
        e.className = "help";
        e.textContent = T("Chưa đối chiếu với E do hội trường công bố: hồ sơ nhất quán, nhưng chưa chứng tỏ đó là cuộc bầu của hội trường.");
      }
      verdict.append(e);
    }
    if (result.valid && result.receipts && result.receipts.length) {
      const r = document.createElement("p");
      r.textContent = T("Biên nhận: {inRecord} có phiếu trong hồ sơ, {invalid} không chứng minh được gì (không phải tệp biên nhận hoặc không có chữ ký đúng của hội trường).",
        { inRecord: result.receipts.filter((f) => f === "in-record").length, invalid: result.receipts.filter((f) => f === "invalid").length });
      verdict.append(r);
    }
    if (!receiptOnly) {
      const time = document.createElement("p");
      time.className = "help";
      time.textContent = T("Thời gian kiểm tra: {seconds} giây.", { seconds: (elapsed / 1000).toFixed(1) });
      verdict.append(time);
    }
    verdict.dataset.check = result.valid ? "valid" : result.check;
    verdict.dataset.elapsedMs = String(Math.round(elapsed));
    verdict.hidden = false;
    $("progress-box").hidden = true;
    if (!receiptOnly) renderChecks(result);
    if (result.valid) renderCounts(result);
  }

  const OWN_STEPS = {
    "election": T("Hồ sơ thuộc đúng cuộc bầu (mã E khớp khóa và danh sách thẻ, và khớp E do hội trường công bố nếu có)"),
    "card-signatures": T("Danh sách thẻ có chữ ký của Ban kiểm phiếu"),
    "encoding": T("Phiếu được ghi đúng cách"),
    "tracking-code": T("Mã theo dõi khớp nội dung phiếu"),
    "spoiled-code": T("Mã theo dõi khớp nội dung phiếu"),
    "ballot-round": T("Phiếu thuộc đúng cuộc bầu này"),
    "ballot-shape": T("Phiếu có đúng một dòng cho mỗi người"),
    "ballot-signature": T("Phiếu có chữ ký đúng của thẻ bỏ phiếu"),
    "ballot-proof": T("Mỗi dòng chứng minh chỉ chọn đúng một mức (hoặc để trống)"),
    "spoiled-opening": T("Phiếu hủy mở ra đúng nội dung đã mã hóa"),
    "ballot-credential": T("Thẻ của phiếu có trong danh sách và chưa bị hủy"),
    "closing": T("Ban kiểm phiếu đã ký biên bản đóng bỏ phiếu có tính phiếu này"),
  };

  $("own-check").addEventListener("click", async () => {
    if (!record) return;
    const out = $("own-result");
    out.textContent = "";
    delete out.dataset.verdict;
    delete out.dataset.receipt;
    const addLine = (text, cls) => { const p = document.createElement("p"); p.className = cls; p.textContent = text; out.append(p); return p; };
    const given = electionGiven();
    if (given.bad) return;
    const started = performance.now();
    let parsed = lastResult ? lastResult.record : null;
    const receiptFile = $("own-receipt").files[0];
    if (receiptFile) {
      // A receipt: the hall's signature under R over E ‖ code; its code is then the one looked up (check `receipt`).
      let receipt, finding;
      try {
        receipt = V.readReceipt(new Uint8Array(await receiptFile.arrayBuffer()));
        if (parsed === null) parsed = V.readRecord(record.bytes);
        finding = V.receiptFinding(parsed, receipt);
      } catch (error) {
        addLine(error.check ? sentence(error.check, error.params) : String(error), "alert");
        out.dataset.receipt = error.check || "error";
        return;
      }
      out.dataset.receipt = finding;
      if (finding === "invalid") {
        addLine(T("Tệp biên nhận không mang chữ ký đúng của hội trường cho cuộc bầu này, nên không chứng minh điều gì."), "alert");
        if (receipt === null) return; // not a receipt: no code to look up
      } else if (finding === "other-election") {
        addLine(T("Biên nhận này được cấp trong một cuộc bầu khác: hồ sơ này không phải cuộc bầu mà biên nhận được cấp."), "alert");
        const name = document.createElement("code"); name.textContent = "receipt-election";
        out.lastChild.append(" (", name, ")");
        return;
      } else if (finding === "missing") {
        addLine(T("Hội trường đã ký nhận phiếu này, nhưng hồ sơ không có nó: hãy báo ngay cho Ban kiểm phiếu và giữ tệp biên nhận làm bằng chứng."), "alert");
        const name = document.createElement("code"); name.textContent = "receipt";
        out.lastChild.append(" (", name, ")");
        return;
      } else {
        addLine(T("Hội trường đã ký nhận phiếu này, và hồ sơ có nó."), "notice");
      }
      $("own-code").value = receipt.code;
    }
    const answer = V.checkOwnBallot(record.bytes, $("own-code").value, parsed, given.election);
    const elapsed = performance.now() - started;
    if (answer.bad) { addLine(T("Mã theo dõi gồm 16 ký tự (mã ngắn, ví dụ ABCD-EFGH-IJKL-MNOP) hoặc 64 chữ số hex (mã đầy đủ)."), "alert"); return; }
    if (answer.unreadable) { addLine(T("Không đọc được hồ sơ: bước {check} không đạt. Hãy kiểm tra toàn bộ hồ sơ.", { check: answer.unreadable }), "alert"); return; }
    if (!answer.found.length) {
      addLine(T("Không có mã này trong các phiếu đã bỏ hoặc đã hủy để kiểm tra. Nếu đồng chí đã bỏ phiếu, hãy báo ngay cho Ban kiểm phiếu và giữ biên nhận."), "alert");
      out.dataset.verdict = "missing";
      return;
    }
    let allOk = true;
    for (const item of answer.found) {
      const ok = item.steps.every((s) => s.ok);
      allOk = allOk && ok;
      addLine(item.spoiled ? T("Phiếu hủy để kiểm tra (không tính): {code}", { code: item.code }) : T("Phiếu đã bỏ: {code}", { code: item.code }), "full-code");
      const list = document.createElement("ul");
      for (const s of item.steps) {
        const li = document.createElement("li");
        li.className = s.ok ? "passed" : "failed";
        li.textContent = `${s.ok ? "✔" : "✘"} ${OWN_STEPS[s.step] || s.step} (${s.step}): ${s.ok ? T("đạt") : T("KHÔNG ĐẠT")}`;
        list.append(li);
      }
      out.append(list);
    }
    if (answer.found.length > 1) addLine(T("Nhiều phiếu có cùng mã ngắn: so với mã đầy đủ (hoặc mã QR) trên máy của đồng chí."), "help");
    addLine(allOk ? T("Phiếu của đồng chí có trong hồ sơ và mọi bước kiểm tra đều đạt.") : T("Phiếu này KHÔNG đạt mọi bước kiểm tra: hãy báo ngay cho Ban kiểm phiếu."), allOk ? "notice" : "alert");
    addLine(T("Thời gian kiểm tra: {seconds} giây.", { seconds: (elapsed / 1000).toFixed(2) }), "help");
    out.dataset.verdict = allOk ? "ok" : "failed";
    out.dataset.elapsedMs = String(Math.round(elapsed));
  });
})();
