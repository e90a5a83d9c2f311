"""The report upward (docs/documents.md): three provinces export signed packages; the level above imports
them and its roll-up equals the sum of their results; a package that does not check is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import PUBLISHED, ROOT
from tinnhiem.cli.main import app
from tinnhiem.domain.tally import tally
from tinnhiem.reports.report_signing import sign_manifest
from tinnhiem.reports.signing import Pkcs12Key
from tinnhiem.services import roundfile

runner = CliRunner()
PIN = "135790"
PROVINCES = {
    "a": ("HĐND tỉnh An Hòa khóa XVII", {}),
    "b": ("HĐND tỉnh Bình Sơn khóa XVII", {1: {"cao": 10, "tin_nhiem": 5, "thap": 32}}),  # 68.09 % low: band 3
    "c": ("HĐND tỉnh Cẩm Giang khóa XVII", {3: {"cao": 24, "tin_nhiem": 2, "thap": 20}}),  # 43.48 % low: band 1
}
COMMITTEE = ("Trần Văn Kiểm", "Lê Thị Phiếu", "Phạm Văn Đếm")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PKCS#12 files under one test root: each province's committee and office ("Văn phòng …")."""
    folder = tmp_path_factory.mktemp("keys")
    people = [f"{name} {code}" for code in PROVINCES for name in COMMITTEE] + [f"Văn phòng {c}" for c in PROVINCES]
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(folder), "--pin", PIN,
                           *(a for p in people for a in ("--pkcs12", p))], check=True, capture_output=True, text=True)
    return {name: Path(path) for name, path in json.loads(made.stdout).items()} | {"root": folder / "root.pem"}


def province_round(folder: Path, code: str) -> Path:
    body, changes = PROVINCES[code]
    data = yaml.safe_load((PUBLISHED / "vinhphuc-hdnd-2023.yaml").read_text(encoding="utf-8"))
    data["body"]["name"] = body
    for i, counts in changes.items():
        data["subjects"][i]["counts"] = counts
    data["committee"] = [{"name": f"{COMMITTEE[0]} {code}", "role": "Trưởng ban"},
                         *({"name": f"{m} {code}"} for m in COMMITTEE[1:])]
    path = folder / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def packages(keys: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each province: the committee signs the minutes (members, then the head), the office exports."""
    folder = tmp_path_factory.mktemp("provinces")
    made = {}
    for code in PROVINCES:
        path, minutes = province_round(folder, code), folder / f"{code}-bien-ban.pdf"
        for name in (*COMMITTEE[1:], COMMITTEE[0]):
            signed = runner.invoke(app, ["minutes", "sign", str(path), "--file", str(minutes), "--pkcs12",
                                         str(keys[f"{name} {code}"])], input=PIN + "\n")
            assert 0 == signed.exit_code, signed.output
        package = folder / f"{code}.zip"
        exported = runner.invoke(app, ["report", "export", str(path), "--minutes", str(minutes), "--pkcs12",
                                       str(keys[f"Văn phòng {code}"]), "--trust", str(keys["root"]), "--out",
                                       str(package)], input=PIN + "\n")
        assert 0 == exported.exit_code, exported.output
        made[code] = package
    return made


def import_(home: Path, keys: dict[str, Path], *packages: Path, extra: tuple[str, ...] = ()) -> object:
    return runner.invoke(app, ["report", "import", *map(str, packages), "--trust", str(keys["root"]),
                               "--out", str(home / "out"), *extra], env={"COLUMNS": "200"})


def test_rollup_is_the_sum_of_the_provinces(home: Path, keys: dict[str, Path], packages: dict[str, Path]) -> None:
    """One row per person with the province's numbers; the counts over one half and two thirds low are the
    sums of the provinces'; importing a package twice keeps one round; the managed post is marked."""
    result = import_(home, keys, *packages.values(), packages["a"], extra=("--managed", "Chủ tịch UBND tỉnh"))
    assert 0 == result.exit_code, result.output  # type: ignore[attr-defined]
    assert "Đã có từ trước" in result.stdout  # type: ignore[attr-defined]
    results = []
    for code in PROVINCES:
        with zipfile.ZipFile(packages[code]) as archive:
            round_, totals = roundfile.parse_round(json.loads(archive.read("round.json")))
        results.append(tally(round_, totals))  # type: ignore[arg-type]
    book = load_workbook(home / "out" / "tong-hop.xlsx")
    sheet = book["Tổng hợp"]
    head = [c.value for c in sheet[5]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    expected = [(r.round.body.name, s.subject.name, s.totals.counts, s.band) for r in results for s in r.subjects]
    got = [(row[head.index("Đơn vị")], row[head.index("Họ và tên")],
            {lv: row[head.index(f"{label} (phiếu)")] for lv, label in
             (("cao", "Tín nhiệm cao"), ("tin_nhiem", "Tín nhiệm"), ("thap", "Tín nhiệm thấp"))},
            int(row[head.index("Mức")])) for row in rows]
    assert sorted((u, n, {k.value: v for k, v in c.items()}, b) for u, n, c, b in expected) == sorted(got)
    over_half = sum(1 for r in results for s in r.subjects if (s.band or 0) >= 2)
    two_thirds = sum(1 for r in results for s in r.subjects if s.band == 3)
    assert (3, 1) == (over_half, two_thirds)  # An Hòa 1, Bình Sơn 2 (one at two thirds), Cẩm Giang 0
    summary = sheet["A3"].value
    assert f"Trên 1/2 số phiếu tín nhiệm thấp: {over_half} người; trong đó từ 2/3 trở lên: {two_thirds}" in summary
    assert "Số cuộc lấy phiếu: 3; số người: 21" in sheet["A2"].value
    assert 3 == sum(1 for row in rows if row[head.index("Cấp trên quản lý")] == "x")
    assert (home / "out" / "tong-hop.pdf").read_bytes().startswith(b"%PDF")


def _rewrite(package: Path, target: Path, **replace: bytes) -> Path:
    with zipfile.ZipFile(package) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files.update({name.replace("_", "."): data for name, data in replace.items()})
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def _files(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _refused(home: Path, keys: dict[str, Path], package: Path, reason: str) -> None:
    result = import_(home, keys, package)
    assert 1 == result.exit_code, result.output  # type: ignore[attr-defined]
    assert "Từ chối" in result.stderr and reason in result.stderr, result.stderr  # type: ignore[attr-defined]
    assert not list((home / "reports").glob("*.zip"))


def test_an_edited_result_is_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                     tmp_path: Path) -> None:
    """A number changed in result.json: its hash no longer matches the signed manifest."""
    files = _files(packages["b"])
    edited = files["result.json"].replace(b'"thap": 32', b'"thap": 3', 1)
    assert edited != files["result.json"]
    _refused(home, keys, _rewrite(packages["b"], tmp_path / "b.zip", result_json=edited), "bị sửa")


def test_an_edited_manifest_is_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                       tmp_path: Path) -> None:
    """The edited file's hash also put in the manifest: the office's signature no longer matches."""
    files = _files(packages["b"])
    edited = files["result.json"].replace(b'"thap": 32', b'"thap": 3', 1)
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["result.json"] = __import__("hashlib").sha256(edited).hexdigest()
    package = _rewrite(packages["b"], tmp_path / "b.zip", result_json=edited,
                       manifest_json=json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode())
    _refused(home, keys, package, "Chữ ký của gói báo cáo không đạt")


def test_an_office_insider_cannot_change_the_numbers(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """The office holds its own key: it changes the counts in round.json, recomputes result.json, rewrites
    and re-signs the manifest. The committee's signed minutes carry the first result's hash: refused."""
    files = _files(packages["b"])
    document = json.loads(files["round.json"])
    document["subjects"][1]["counts"] = {"cao": 40, "tin_nhiem": 5, "thap": 2}
    round_, totals = roundfile.parse_round(document)
    result = roundfile.result_json(tally(round_, totals)).encode()  # type: ignore[arg-type]
    round_bytes = json.dumps(document, ensure_ascii=False, indent=2).encode()
    manifest = json.loads(files["manifest.json"])
    sha = __import__("hashlib").sha256
    manifest["files"] |= {"round.json": sha(round_bytes).hexdigest(), "result.json": sha(result).hexdigest()}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    signature = sign_manifest(manifest_bytes, Pkcs12Key(keys["Văn phòng b"], PIN))
    package = _rewrite(packages["b"], tmp_path / "b.zip", round_json=round_bytes, result_json=result,
                       manifest_json=manifest_bytes, manifest_p7s=signature)
    _refused(home, keys, package, "không phải biên bản của kết quả này")


def test_a_package_from_outside_the_trust_roots_is_refused(home: Path, keys: dict[str, Path],
                                                          packages: dict[str, Path], tmp_path: Path) -> None:
    """An office whose certificate another root issued: the signature checks, the chain does not."""
    other = tmp_path / "other"
    made = subprocess.run([sys.executable, str(ROOT / "scripts" / "softhsm-tokens.py"), str(other), "--pin", PIN,
                           "--pkcs12", "Văn phòng giả"], check=True, capture_output=True, text=True)
    stranger = Path(json.loads(made.stdout)["Văn phòng giả"])
    files = _files(packages["c"])
    package = _rewrite(packages["c"], tmp_path / "c.zip",
                       manifest_p7s=sign_manifest(files["manifest.json"], Pkcs12Key(stranger, PIN)))
    _refused(home, keys, package, "không dẫn về gốc tin cậy")


def test_a_broken_package_is_refused(home: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    """Not a ZIP, or a ZIP with a file too many: refused with the reason, nothing kept."""
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    _refused(home, keys, junk, "Không đọc được gói báo cáo")
    extra = tmp_path / "extra.zip"
    with zipfile.ZipFile(extra, "w") as archive:
        archive.writestr("result.json", b"{}")
    _refused(home, keys, extra, "phải có đúng các tệp")


def test_unsigned_minutes_are_not_exported(keys: dict[str, Path], tmp_path: Path) -> None:
    """Minutes the head has not signed yet cannot leave as a report."""
    path, minutes = province_round(tmp_path, "a"), tmp_path / "bien-ban.pdf"
    runner.invoke(app, ["minutes", "sign", str(path), "--file", str(minutes), "--pkcs12",
                        str(keys[f"{COMMITTEE[1]} a"])], input=PIN + "\n")
    exported = runner.invoke(app, ["report", "export", str(path), "--minutes", str(minutes), "--pkcs12",
                                   str(keys["Văn phòng a"]), "--out", str(tmp_path / "a.zip")], input=PIN + "\n")
    assert 1 == exported.exit_code and "chưa đủ chữ ký" in exported.stderr
    assert not (tmp_path / "a.zip").exists()


def test_a_manifest_with_a_field_too_many_is_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """Even signed by the office, a manifest with a field the format does not name is refused, naming it."""
    files = _files(packages["a"])
    manifest = json.loads(files["manifest.json"]) | {"approved_by": "Ban Thường vụ"}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False).encode()
    package = _rewrite(packages["a"], tmp_path / "a.zip", manifest_json=manifest_bytes,
                       manifest_p7s=sign_manifest(manifest_bytes, Pkcs12Key(keys["Văn phòng a"], PIN)))
    _refused(home, keys, package, "approved_by")


def test_the_same_round_with_another_result_is_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                       tmp_path: Path) -> None:
    """A second, fully signed package of the same round (same body, title, date) with other counts: the round
    kept is not replaced, the second is refused with the reason."""
    assert 0 == import_(home, keys, packages["c"]).exit_code  # type: ignore[attr-defined]
    path, minutes = province_round(tmp_path, "c"), tmp_path / "c-bien-ban.pdf"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subjects"][0]["counts"] = {"cao": 45, "tin_nhiem": 1, "thap": 1}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for name in (*COMMITTEE[1:], COMMITTEE[0]):
        assert 0 == runner.invoke(app, ["minutes", "sign", str(path), "--file", str(minutes), "--pkcs12",
                                        str(keys[f"{name} c"])], input=PIN + "\n").exit_code
    second = tmp_path / "c2.zip"
    assert 0 == runner.invoke(app, ["report", "export", str(path), "--minutes", str(minutes), "--pkcs12",
                                    str(keys["Văn phòng c"]), "--out", str(second)], input=PIN + "\n").exit_code
    kept = sorted((home / "reports").glob("*.zip"))
    before = [p.read_bytes() for p in kept]
    result = import_(home, keys, second)
    assert 1 == result.exit_code and "đã được nhập với kết quả khác" in result.stderr  # type: ignore[attr-defined]
    assert before == [p.read_bytes() for p in sorted((home / "reports").glob("*.zip"))]


def test_minutes_signed_by_another_committee_are_refused(home: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    """Minutes of the same result made and signed by province a's committee, sent in b's package with b's round
    file (the result's hash matches: the committee is not part of the result): export and import refuse, naming
    who signed and who should have."""
    real = province_round(tmp_path, "b")
    fake = tmp_path / "fake.yaml"
    data = yaml.safe_load(real.read_text(encoding="utf-8"))
    data["committee"] = yaml.safe_load(province_round(tmp_path, "a").read_text(encoding="utf-8"))["committee"]
    fake.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    minutes = tmp_path / "fake.pdf"
    for name in (*COMMITTEE[1:], COMMITTEE[0]):
        assert 0 == runner.invoke(app, ["minutes", "sign", str(fake), "--file", str(minutes), "--pkcs12",
                                        str(keys[f"{name} a"])], input=PIN + "\n").exit_code
    exported = runner.invoke(app, ["report", "export", str(real), "--minutes", str(minutes), "--pkcs12",
                                   str(keys["Văn phòng b"]), "--out", str(tmp_path / "b.zip")], input=PIN + "\n",
                             env={"COLUMNS": "300"})
    assert 1 == exported.exit_code and "không phải Ban kiểm phiếu" in exported.stderr
    from tinnhiem.services import report_package

    round_, totals = roundfile.parse_round(roundfile.load(real))
    office = Pkcs12Key(keys["Văn phòng b"], PIN)
    package = tmp_path / "b.zip"
    package.write_bytes(report_package.build(tally(round_, totals), minutes.read_bytes(), None,  # type: ignore[arg-type]
                                             lambda m: sign_manifest(m, office), __import__("datetime").datetime.now()))
    _refused(home, keys, package, "không phải Ban kiểm phiếu của cuộc lấy phiếu")


def test_the_public_record_hash_travels_in_the_manifest(keys: dict[str, Path], packages: dict[str, Path],
                                                        tmp_path: Path) -> None:
    """--record FILE: the manifest the office signs carries the SHA-256 of that file's bytes; without it, null."""
    import hashlib

    record = tmp_path / "ho-so.json"
    record.write_bytes(b'{"format": "tinnhiem-record/2"}')
    path = province_round(tmp_path, "a")
    minutes = tmp_path / "a.pdf"
    minutes.write_bytes(_files(packages["a"])["minutes.pdf"])
    out = tmp_path / "a.zip"
    exported = runner.invoke(app, ["report", "export", str(path), "--minutes", str(minutes), "--record", str(record),
                                   "--pkcs12", str(keys["Văn phòng a"]), "--out", str(out)], input=PIN + "\n")
    assert 0 == exported.exit_code, exported.output
    assert hashlib.sha256(record.read_bytes()).hexdigest() == json.loads(_files(out)["manifest.json"])["record_sha256"]
    assert json.loads(_files(packages["a"])["manifest.json"])["record_sha256"] is None


def test_the_trust_roots_may_come_from_the_settings(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --trust: the roots of TINNHIEM_TRUST_ROOTS (here a folder), else nothing is imported."""
    monkeypatch.delenv("TINNHIEM_TRUST_ROOTS", raising=False)
    bare = runner.invoke(app, ["report", "import", str(packages["c"])], env={"COLUMNS": "200"})
    assert 1 == bare.exit_code and "--trust" in bare.stderr and not (home / "reports").exists()
    monkeypatch.setenv("TINNHIEM_TRUST_ROOTS", str(keys["root"].parent))
    configured = runner.invoke(app, ["report", "import", str(packages["c"]), "--out", str(home / "out")])
    assert 0 == configured.exit_code, configured.output
    assert 1 == len(list((home / "reports").glob("*.zip")))


def _resigned(packages: dict[str, Path], keys: dict[str, Path], code: str, target: Path, **replace: bytes) -> Path:
    """The office (holding its own key) replaces files and signs a manifest with their hashes."""
    files = _files(packages[code]) | {name.replace("_", "."): data for name, data in replace.items()}
    manifest = json.loads(files["manifest.json"])
    sha = __import__("hashlib").sha256
    manifest["files"] = {name: sha(files[name]).hexdigest() for name in ("round.json", "result.json", "minutes.pdf")}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    signature = sign_manifest(manifest_bytes, Pkcs12Key(keys[f"Văn phòng {code}"], PIN))
    return _rewrite(packages[code], target, **replace, manifest_json=manifest_bytes, manifest_p7s=signature)


def test_a_result_that_is_not_the_count_is_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """result.json edited, round.json left, the manifest re-signed by the office: the count recomputed differs."""
    edited = _files(packages["b"])["result.json"].replace(b'"band": 3', b'"band": 1', 1)
    _refused(home, keys, _resigned(packages, keys, "b", tmp_path / "b.zip", result_json=edited),
             "khác kết quả tính lại từ số phiếu")


def test_tampered_minutes_in_a_package_are_refused(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """minutes.pdf with a byte changed, the manifest re-signed by the office: the committee's signatures fail."""
    pdf = bytearray(_files(packages["b"])["minutes.pdf"])
    pdf[pdf.index(b"stream\n") + 40] ^= 1
    _refused(home, keys, _resigned(packages, keys, "b", tmp_path / "b.zip", minutes_pdf=bytes(pdf)),
             "Biên bản ký số trong gói không đạt")


def test_a_package_swapped_in_the_store_is_caught(home: Path, keys: dict[str, Path], packages: dict[str, Path],
                                                  tmp_path: Path) -> None:
    """Whoever can write TINNHIEM_HOME/reports swaps a kept package for an edited one: the next roll-up checks
    every kept package again and stops, naming it, writing no roll-up."""
    assert 0 == import_(home, keys, packages["a"], packages["c"]).exit_code  # type: ignore[attr-defined]
    kept = next(p for p in (home / "reports").glob("*.zip") if _files(p)["round.json"] == _files(packages["c"])["round.json"])
    edited = _files(packages["c"])["result.json"].replace(b'"thap": 20', b'"thap": 2', 1)
    _rewrite(packages["c"], kept, result_json=edited)
    (home / "out").rename(home / "before")
    result = import_(home, keys, packages["a"])
    assert 1 == result.exit_code and kept.name in result.stderr and "bị sửa" in result.stderr  # type: ignore[attr-defined]
    assert not (home / "out" / "tong-hop.xlsx").exists()
