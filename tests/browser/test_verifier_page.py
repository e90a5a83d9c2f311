"""The verifier page (/verify, an outside review) in Debian's Chromium: every check of protocol.md §12 in the browser.

The outside verifier's records (tests/data/outside-verifier, tampered and honest) get in the page the verdict and
the check `tinnhiem verify` gives them (tests/integration/test_outside_verifier.py holds the command line to the
same `expected`, and a sample is re-run here through the command line). The page loads a record from the hall by
round or by SHA-256, or from a file; the saved page works from file:// with no network; a delegate checks their
own ballot by its tracking code. Screens at 390 px and 1,920 × 1,080, before, during and after a check.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import PHONE, PROJECTOR, SHOTS, Hall
from tests.browser.test_hall_round import axe_violations
from tinnhiem.cli.verify import election_argument, verify_file
from tinnhiem.crypto.errors import VerificationError
from tinnhiem.crypto.verify import CHECKS
from tinnhiem.services.verification import receipt_or_none
from tinnhiem.web.routes_verify import offline_html

CASES: dict[str, dict[str, Any]] = json.loads(gzip.decompress(
    (Path(__file__).parents[1] / "data" / "outside-verifier" / "cases.json.gz").read_bytes()))


def record_bytes(name: str) -> bytes:
    return CASES[name]["text"].encode("latin-1")  # the bytes as built, not-UTF-8 ones included


def command_line_verdict(name: str, tmp_path: Path) -> str:
    path = tmp_path / f"{name}.json"
    path.write_bytes(record_bytes(name))
    election = CASES[name]["election"]
    try:
        verify_file(path, 1, tuple(receipt_or_none(r) for r in CASES[name]["receipts"]),
                    None if election is None else election_argument(election))
    except VerificationError as error:
        return error.code
    return "valid"


@pytest.fixture(scope="module")
def saved_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page as a visitor saves it from /verify/offline."""
    path = tmp_path_factory.mktemp("offline") / "tinnhiem-verify.html"
    path.write_text(offline_html("vi"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def larger_record() -> bytes:
    """A valid tallied record of 16 ballots × 12 subjects (long enough to see the progress bar at work)."""
    from bench.browser_verify import tallied_record

    return json.dumps(tallied_record(16, 12)).encode()


RUN_ALL = """async (cases) => {
  const V = window.TinnhiemVerifier, out = {};
  for (const c of cases) {
    const bytes = Uint8Array.from(atob(c.b64), (ch) => ch.charCodeAt(0));
    const receipts = c.receipts.map((r) => V.readReceipt(new TextEncoder().encode(JSON.stringify(r))));
    const result = await V.verifyRecordBytes(bytes, { runBallots: V.poolRunner(), receipts, election: c.election });
    out[c.name] = result.valid ? "valid" : result.check;
  }
  return out;
}"""


def test_every_outside_verifier_record_gets_the_command_lines_verdict_in_chromium(
        browser: Browser, saved_page: Path, tmp_path: Path) -> None:
    """All the records in one page load, ballots in Web Workers: the verdict and the first failing check are
    those of `tinnhiem verify` (the command line gives `expected`: test_outside_verifier.py)."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(saved_page.as_uri())
    assert list(CHECKS) == page.evaluate("TinnhiemVerifier.CHECKS")  # the same checks, in the same order
    cases = [{"name": n, "b64": base64.b64encode(record_bytes(n)).decode(), "receipts": c["receipts"],
              "election": c["election"]} for n, c in sorted(CASES.items())]
    page.set_default_timeout(1_800_000)
    found = page.evaluate(RUN_ALL, cases)
    assert {n: c["expected"] for n, c in CASES.items()} == found
    assert len(found) >= 300 and not errors
    sample = ["ok-base", "forged-own-cards", "forged-dropped-ballot-receipt", "hb-double-vote", "sur-hex",
              "junk-hugeint-total", "fmt-dup-escaped-key", "lvl-cao-x3", "pt-total-plus1", "two-sig-round",
              "sur-levels", "over-cards-open", "election-given-upper-case", "receipt-not-a-receipt",
              "receipt-other-election-bad-signature", *(n for n in CASES if n.startswith("forged-substituted"))]
    assert {n: found[n] for n in sample} == {n: command_line_verdict(n, tmp_path) for n in sample}
    page.close()


def hall_records(page: Page, records: dict[str, bytes], elections: dict[str, str] | None = None) -> None:
    """The hall serves these records (a closed round's record as GET /api/rounds/ROUND/record gives it) and, for
    the rounds in ``elections``, the E it announced (GET /api/rounds/ROUND/election, what the phones showed)."""
    def record(route: Route) -> None:
        code = route.request.url.split("/api/rounds/")[1].split("/")[0]
        if code in records:
            route.fulfill(status=200, body=records[code], content_type="application/json")
        else:
            route.fulfill(status=400, body=json.dumps({"message": "Hồ sơ công khai được công bố khi đóng bỏ phiếu."}),
                          content_type="application/json")
    page.route("**/api/rounds/*/record", record)
    def election(route: Route) -> None:
        code = route.request.url.split("/api/rounds/")[1].split("/")[0]
        if elections and code in elections:
            route.fulfill(status=200, body=json.dumps({"election": elections[code]}), content_type="application/json")
        else:
            route.fulfill(status=404, body=json.dumps({"message": "Không có cuộc lấy phiếu này."}),
                          content_type="application/json")
    page.route("**/api/rounds/*/election", election)
    page.route("**/api/records", lambda route: route.fulfill(
        status=200, body=json.dumps({"rounds": list(records)}), content_type="application/json"))


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_page_from_the_hall_before_during_and_after_and_with_a_tampered_record(
        browser: Browser, hall: Hall, size: str, larger_record: bytes) -> None:
    viewport = PHONE if size == "phone" else PROJECTOR
    page = browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    honest, tampered = larger_record, record_bytes("proof-beta-plus-G")
    hall_records(page, {"HONEST": honest, "TAMPERED": tampered})
    page.goto(f"{hall.url}/verify")
    shoot(page, f"{size}-verify-empty")
    page.get_by_label("Mã cuộc lấy phiếu").fill("HONEST")
    page.get_by_role("button", name="Tải hồ sơ từ hội trường").click()
    expect(page.locator("#record-sha")).to_have_text(hashlib.sha256(honest).hexdigest())
    shoot(page, f"{size}-verify-before")
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#progress-text")).to_contain_text("Đang kiểm tra từng phiếu", timeout=60_000)
    page.locator("#progress-box").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"{size}-verify-during.png")  # the screen as it is, the check under way
    expect(page.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=600_000)
    expect(page.locator("#verdict")).to_contain_text("HỒ SƠ HỢP LỆ")
    expect(page.locator("table.counts tr")).to_have_count(1 + 12)  # a header and one row per subject
    shoot(page, f"{size}-verify-after")
    # A tampered record, found by its SHA-256 among the hall's records: named by the check of the command line.
    page.get_by_label("Hoặc mã SHA-256 của hồ sơ (ghi trong biên bản)").fill(hashlib.sha256(tampered).hexdigest())
    page.get_by_role("button", name="Tìm hồ sơ có mã này").click()
    expect(page.locator("#record-name")).to_have_text("TAMPERED")
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "ballot-proof", timeout=120_000)
    expect(page.locator("#verdict .check-name")).to_have_text("ballot-proof")
    expect(page.locator("#check-list li.failed")).to_have_count(1)
    expect(page.locator("#check-list li.failed")).to_have_attribute("data-check", "ballot-proof")
    expect(page.locator("#check-list li.passed")).to_have_count(26)  # the 26 checks §12 runs before it
    expect(page.locator("#counts")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(page, f"{size}-verify-tampered")
    assert [] == axe_violations(page, hall)
    assert not errors
    page.close()


def test_the_page_in_english_names_the_same_check(browser: Browser, hall: Hall) -> None:
    page = browser.new_page(viewport=PHONE)
    hall_records(page, {"TAMPERED": record_bytes("sig-other-card")})
    page.goto(f"{hall.url}/verify?lang=en")
    page.get_by_label("Round code").fill("TAMPERED")
    page.get_by_role("button", name="Load the record from the hall").click()
    page.get_by_role("button", name="Verify the whole record").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "ballot-signature", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text("THE RECORD IS NOT VALID. First check failed: ballot-signature")
    expect(page.locator("#verdict")).to_contain_text("signature")
    shoot(page, "phone-verify-tampered-en")
    # The E field in English: the hall's E against the substituted committee's record, the reason translated.
    hall_records(page, {"ROUND": record_bytes("forged-substituted-committee")},
                 {"ROUND": CASES["forged-substituted-committee-election"]["election"]})
    page.get_by_label("Round code").fill("ROUND")
    page.get_by_role("button", name="Load the record from the hall").click()
    expect(page.get_by_label("Election code E announced by the hall")).to_have_value(
        CASES["forged-substituted-committee-election"]["election"])
    page.get_by_role("button", name="Verify the whole record").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "election", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text("The election's identity E is wrong: the record's E differs")
    shoot(page, "phone-verify-election-mismatch-en")
    page.goto(f"{hall.url}/verify?lang=vi")  # the session's language back for the tests after
    page.close()


def test_a_round_not_yet_closed_says_so(browser: Browser, hall: Hall) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{hall.url}/verify")
    page.get_by_label("Mã cuộc lấy phiếu").fill(hall.code)  # the hall's round is still open: no record served
    page.get_by_role("button", name="Tải hồ sơ từ hội trường").click()
    expect(page.locator("#source-error")).to_contain_text("đóng bỏ phiếu")
    expect(page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ")).to_be_disabled()
    page.close()


def test_the_saved_page_verifies_offline_from_a_file(browser: Browser, hall: Hall, tmp_path: Path) -> None:
    """/verify/offline is one file; opened from file:// it asks nothing of any network (workers from a Blob)."""
    context = browser.new_context(accept_downloads=True, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{hall.url}/verify")
    with page.expect_download() as download:
        page.get_by_text("Lưu trang này để kiểm tra khi không có mạng").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "tinnhiem-verify.html"
    requests: list[str] = []
    offline = context.new_page()
    offline.on("request", lambda request: requests.append(request.url))
    offline.goto(saved.as_uri())
    record = tmp_path / "record.json"
    record.write_bytes(record_bytes("forged-dropped-ballot-receipt"))
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps(CASES["forged-dropped-ballot-receipt"]["receipts"][0]), encoding="utf-8")
    offline.set_input_files("#record-file", str(record))
    offline.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(offline.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=120_000)
    # From an outside review: the ballot dropped before closing shows only through the delegate's receipt (check `receipt`).
    offline.set_input_files("#receipt-files", str(receipt))
    offline.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(offline.locator("#verdict")).to_have_attribute("data-check", "receipt", timeout=120_000)
    expect(offline.locator("#verdict")).to_contain_text("hồ sơ không có phiếu này")
    # The same receipt given to "my ballot": the hall signed it, the record lacks it (check `receipt`); a receipt
    # whose signature was altered proves nothing.
    offline.set_input_files("#own-receipt", str(receipt))
    offline.get_by_role("button", name="Kiểm tra phiếu này").click()
    expect(offline.locator("#own-result")).to_have_attribute("data-receipt", "missing")
    expect(offline.locator("#own-result")).to_contain_text("receipt")
    forged = dict(CASES["forged-dropped-ballot-receipt"]["receipts"][0])
    forged["signature"] = {**forged["signature"], "z": "00" * 31 + "01"}
    receipt.write_text(json.dumps(forged), encoding="utf-8")
    offline.set_input_files("#own-receipt", str(receipt))
    offline.get_by_role("button", name="Kiểm tra phiếu này").click()
    expect(offline.locator("#own-result")).to_have_attribute("data-receipt", "invalid")
    assert all(url.startswith(("file:", "blob:")) for url in requests), requests
    context.close()


def test_a_delegate_checks_their_own_ballot_by_its_tracking_code(browser: Browser, saved_page: Path,
                                                                  tmp_path: Path) -> None:
    honest = json.loads(record_bytes("ok-base"))
    page = browser.new_page(viewport=PHONE)
    page.goto(saved_page.as_uri())
    record = tmp_path / "honest.json"
    record.write_bytes(record_bytes("ok-base"))
    page.set_input_files("#record-file", str(record))
    code = honest["ballots"][2]["code"]
    short = page.evaluate("(c) => TinnhiemVerifier.shortCode(c)", code)
    for typed in (short.lower().replace("-", " "), code):
        page.get_by_label("Mã theo dõi phiếu (mã ngắn hoặc mã đầy đủ)").fill(typed)
        page.get_by_role("button", name="Kiểm tra phiếu này").click()
        expect(page.locator("#own-result")).to_have_attribute("data-verdict", "ok")
        expect(page.locator("#own-result")).to_contain_text(code)
        expect(page.locator("#own-result li.passed")).to_have_count(10)
    shoot(page, "phone-verify-own-ballot")
    page.get_by_label("Mã theo dõi phiếu (mã ngắn hoặc mã đầy đủ)").fill("AAAA-AAAA-AAAA-AAAA")
    page.get_by_role("button", name="Kiểm tra phiếu này").click()
    expect(page.locator("#own-result")).to_have_attribute("data-verdict", "missing")
    # A record whose server forged one ballot's proof: that ballot alone fails, by name.
    page.set_input_files("#record-file", str(_write(tmp_path, "proof-beta-plus-G")))
    verdicts = {}
    for b in json.loads(record_bytes("proof-beta-plus-G"))["ballots"]:
        page.get_by_label("Mã theo dõi phiếu (mã ngắn hoặc mã đầy đủ)").fill(b["code"])
        page.get_by_role("button", name="Kiểm tra phiếu này").click()
        verdicts[b["code"]] = page.locator("#own-result").get_attribute("data-verdict")
    assert sorted(verdicts.values()).count("failed") == 1, verdicts
    page.close()


def _write(folder: Path, name: str) -> Path:
    path = folder / f"{name}.json"
    path.write_bytes(record_bytes(name))
    return path


def test_a_valid_record_with_hostile_names_shows_them_as_text(browser: Browser, saved_page: Path, tmp_path: Path) -> None:
    """The record is the server's word until checked: a subject's name is shown, never run."""
    from bench.browser_verify import tallied_record

    hostile = ('<img src=x onerror="window.pwned=1">', "</script><script>window.pwned=2</script>")
    record = tmp_path / "hostile.json"
    record.write_text(json.dumps(tallied_record(2, 2, hostile)), encoding="utf-8")
    page = browser.new_page(viewport=PHONE)
    page.goto(saved_page.as_uri())
    page.set_input_files("#record-file", str(record))
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=120_000)
    expect(page.locator("table.counts")).to_contain_text(hostile[0])
    expect(page.locator("table.counts")).to_contain_text(hostile[1])
    assert page.evaluate("window.pwned") is None and page.locator("table.counts img").count() == 0
    page.close()


def test_the_workers_start_with_the_page_before_any_record(browser: Browser, saved_page: Path,
                                                          tmp_path: Path) -> None:
    """The page starts its Web Workers (one per core) when it loads, and they load the WASM then: a check finds them
    ready, none is started or stopped by it."""
    page = browser.new_page(viewport=PHONE)
    page.goto(saved_page.as_uri())
    count = page.evaluate("TinnhiemVerifier.workerCount()")
    for _ in range(100):
        if len(page.workers) == count:
            break
        page.wait_for_timeout(50)
    assert len(page.workers) == count
    started = list(page.workers)
    page.set_input_files("#record-file", str(_write(tmp_path, "ok-base")))
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=120_000)
    assert list(page.workers) == started
    page.close()


def test_without_web_workers_the_page_checks_on_its_own_thread(browser: Browser, saved_page: Path,
                                                                 tmp_path: Path) -> None:
    page = browser.new_page(viewport=PHONE)
    page.add_init_script("delete window.Worker")
    page.goto(saved_page.as_uri())
    page.set_input_files("#record-file", str(_write(tmp_path, "dup-within-ballot")))
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", CASES["dup-within-ballot"]["expected"],
                                                       timeout=120_000)
    page.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_halls_e_unmasks_a_substituted_committee(browser: Browser, hall: Hall, size: str, tmp_path: Path) -> None:
    """The attack: the whole committee substituted, the record rebuilt (same manifest and names), which verifies
    alone. Loaded from the hall by round, the page pre-fills the E the hall announced, and the record fails
    `election`; the field emptied, it is "valid" with a note that E was not compared; a delegate's receipt from
    the hall fails it with `receipt-election` (whole record and "my ballot"); the honest record passes with the
    hall's E typed by hand in capitals with hyphens; a typed E that is not 64 hex digits is refused by name."""
    page = browser.new_page(viewport=PHONE if size == "phone" else PROJECTOR)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    hall_e = CASES["forged-substituted-committee-election"]["election"]
    hall_records(page, {"ROUND": record_bytes("forged-substituted-committee")}, {"ROUND": hall_e})
    page.goto(f"{hall.url}/verify")
    page.get_by_label("Mã cuộc lấy phiếu").fill("ROUND")
    page.get_by_role("button", name="Tải hồ sơ từ hội trường").click()
    expect(page.locator("#record-name")).to_have_text("ROUND")
    e_field = page.get_by_label("Mã cuộc bầu E do hội trường công bố")
    expect(e_field).to_have_value(hall_e)
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "election", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text("khác E đã công bố")
    expect(page.locator("#check-list li.failed")).to_have_attribute("data-check", "election")
    shoot(page, f"{size}-verify-election-mismatch")
    # "My ballot" in the substituted record: with the hall's E given, the step `election` fails.
    page.get_by_label("Mã theo dõi phiếu (mã ngắn hoặc mã đầy đủ)").fill(
        json.loads(record_bytes("forged-substituted-committee"))["ballots"][0]["code"])
    page.get_by_role("button", name="Kiểm tra phiếu này").click()
    expect(page.locator("#own-result")).to_have_attribute("data-verdict", "failed")
    expect(page.locator("#own-result li.failed")).to_have_count(1)
    expect(page.locator("#own-result li.failed")).to_contain_text("(election)")
    e_field.fill("")
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text("Chưa đối chiếu với E do hội trường công bố")
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps(CASES["forged-substituted-committee-receipt"]["receipts"][0]), encoding="utf-8")
    page.set_input_files("#receipt-files", str(receipt))
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "receipt-election", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text("không phải cuộc bầu mà biên nhận được cấp")
    page.set_input_files("#own-receipt", str(receipt))
    page.get_by_role("button", name="Kiểm tra phiếu này").click()
    expect(page.locator("#own-result")).to_have_attribute("data-receipt", "other-election")
    expect(page.locator("#own-result")).to_contain_text("receipt-election")
    # The honest record from a file, the hall's E typed by hand (capitals, hyphens, spaces): valid, E shown.
    page.set_input_files("#receipt-files", [])
    page.set_input_files("#record-file", str(_write(tmp_path, "ok-base")))
    typed = "-".join(hall_e.upper()[i:i + 8] for i in range(0, 64, 8))
    e_field.fill(f" {typed} ")
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#verdict")).to_have_attribute("data-check", "valid", timeout=120_000)
    expect(page.locator("#verdict")).to_contain_text(hall_e)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(page, f"{size}-verify-election-given")
    e_field.fill(hall_e[:63] + "g")
    page.get_by_role("button", name="Kiểm tra toàn bộ hồ sơ").click()
    expect(page.locator("#election-error")).to_contain_text("64 chữ số hex")
    assert not errors
    page.close()
