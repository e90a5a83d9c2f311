"""Writing every document of a counted round into a folder."""

from __future__ import annotations

from pathlib import Path

from tinnhiem.domain.tally import RoundResult
from tinnhiem.reports.announcement_text import announcement_text
from tinnhiem.reports.content import PaperFigures, minutes
from tinnhiem.reports.docx import minutes_docx
from tinnhiem.reports.pdf import minutes_pdf
from tinnhiem.reports.xlsx import results_xlsx

DOCUMENTS = {  # what the web offers: the file's name after its round and date, and its type
    "minutes.pdf": ("bien-ban.pdf", "application/pdf"),
    "minutes.docx": ("bien-ban.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "results.xlsx": ("ket-qua.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "announcement.txt": ("thong-bao.txt", "text/plain; charset=utf-8"),
}


def file_stem(code: str, result: RoundResult) -> str:
    """A downloaded file says which round and which day: "son-thuy-2026-2026-11-20"."""
    return f"{code}-{result.round.date.isoformat()}"


def render_document(result: RoundResult, kind: str, paper: PaperFigures | None = None,
                    election: str | None = None) -> bytes:
    """One document of ``DOCUMENTS``, rendered alone (a download renders only what it sends); ``election``: E."""
    if kind == "minutes.pdf":
        return minutes_pdf(minutes(result, paper, election))
    if kind == "minutes.docx":
        return minutes_docx(minutes(result, paper, election))
    if kind == "results.xlsx":
        return results_xlsx(result)
    return announcement_text(result).encode("utf-8")


def write_documents(result: RoundResult, folder: Path, stem: str,
                    paper: PaperFigures | None = None, election: str | None = None) -> dict[str, Path]:
    """Minutes (PDF, DOCX), results (XLSX) and announcement (TXT); all rendered before any is written."""
    words = minutes(result, paper, election)
    rendered = {
        "minutes_pdf": (f"{stem}-bien-ban.pdf", minutes_pdf(words)),
        "minutes_docx": (f"{stem}-bien-ban.docx", minutes_docx(words)),
        "results_xlsx": (f"{stem}-ket-qua.xlsx", results_xlsx(result)),
        "announcement": (f"{stem}-thong-bao.txt", announcement_text(result).encode("utf-8")),
    }
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, (name, data) in rendered.items():
        path = folder / name
        path.write_bytes(data)
        paths[key] = path
    return paths
