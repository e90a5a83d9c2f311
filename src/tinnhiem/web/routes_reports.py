"""The level above's page for reports received (/admin/reports): upload packages, see the roll-up, download it.

The same checks as ``tinnhiem report import`` (docs/documents.md, "The report upward"), against the roots of
TINNHIEM_TRUST_ROOTS; admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from tinnhiem.domain.errors import SigningError, TinnhiemError
from tinnhiem.domain.rollup import Rollup, rollup
from tinnhiem.reports.report_signing import PackageSignatures
from tinnhiem.reports.signature_check import load_roots, root_files
from tinnhiem.services import report_package
from tinnhiem.web.bounds import MB, Bound
from tinnhiem.web.deps import HallDep
from tinnhiem.web.security import require_csrf
from tinnhiem.web.staff import Admin, admin

router = APIRouter()
PACKAGE_BYTES = 30 * MB  # one package: the minutes are a few hundred kB
MAX_PACKAGES = 20  # at a time
BOUNDS = [Bound(r"/admin/reports", MAX_PACKAGES * PACKAGE_BYTES + MB, staff_only=True)]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one uploaded package."""

    name: str
    kept: bool  # newly kept; False when refused or already there
    error: TinnhiemError | None = None


def _checks(hall: HallDep) -> PackageSignatures:
    """The package checks against TINNHIEM_TRUST_ROOTS; refused by name when it is not set."""
    where = hall.settings.trust_roots
    if where is None:
        raise SigningError("package-signature", field="TINNHIEM_TRUST_ROOTS", reason="chưa đặt gốc tin cậy")
    return PackageSignatures(load_roots(root_files(where)))


def _store(hall: HallDep) -> Path:
    return hall.settings.home / "reports"


def _rollup(hall: HallDep, managed: list[str]) -> Rollup:
    return report_package.rollup_kept(_store(hall), _checks(hall), [m for m in managed if m.strip()])


def _page(request: Request, hall: HallDep, staff: Admin, managed: list[str], outcomes: list[Outcome],
          status: int = 200) -> Response:
    try:
        summary, notice = _rollup(hall, managed), None
    except SigningError as error:  # no roots set, or a kept package that no longer checks: said on the page
        summary, notice = rollup([]), error
    return hall.page(request, "admin_reports.html", status=status, summary=summary, notice=notice,
                     managed=managed, outcomes=outcomes, staff=staff)


@router.get("/admin/reports", response_class=HTMLResponse)
def reports_page(request: Request, hall: HallDep, staff: Admin,
                 managed: list[str] = Query([], max_length=300)) -> Response:
    return _page(request, hall, staff, managed, [])


@router.post("/admin/reports", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def import_reports(request: Request, hall: HallDep, staff: Admin, packages: list[UploadFile] = File(...)) -> Response:
    """Each package checked whole and kept, or refused with the reason; the others still go in."""
    if len(packages) > MAX_PACKAGES:
        raise SigningError("package-unreadable", field="packages", reason=f"> {MAX_PACKAGES}")
    checks = _checks(hall)
    outcomes = []
    for upload in packages:
        name = Path(upload.filename or "package").name
        data = upload.file.read(PACKAGE_BYTES + 1)
        try:
            if len(data) > PACKAGE_BYTES:
                raise SigningError("package-unreadable", field=name, reason=f"> {PACKAGE_BYTES // MB} MB")
            outcomes.append(Outcome(name, report_package.store(_store(hall), report_package.read(data, checks, name))))
        except TinnhiemError as error:
            outcomes.append(Outcome(name, False, error))
    return _page(request, hall, staff, [], outcomes, 400 if any(o.error for o in outcomes) else 200)


@router.get("/admin/reports/tong-hop.{kind}", dependencies=[Depends(admin)])
def rollup_file(request: Request, hall: HallDep, kind: str, managed: list[str] = Query([], max_length=300)) -> Response:
    """The roll-up as XLSX or PDF, with the posts marked as on the page."""
    from tinnhiem.reports.rollup import rollup_pdf, rollup_xlsx

    summary = _rollup(hall, managed)
    if kind == "pdf":
        return Response(rollup_pdf(summary), media_type="application/pdf",
                        headers={"Content-Disposition": 'attachment; filename="tong-hop.pdf"'})
    if kind == "xlsx":
        return Response(rollup_xlsx(summary),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="tong-hop.xlsx"'})
    return Response(status_code=404)
