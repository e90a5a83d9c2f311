"""Original scans kept on disk by content hash, under TINNHIEM_HOME/scans/ROUND/ (services.ports.ImageStore)."""

from __future__ import annotations

from pathlib import Path


class ImageFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, code: str, sha256: str) -> Path:
        return self.root / code / f"{sha256}.png"

    def save(self, code: str, sha256: str, png: bytes) -> None:
        path = self.path(code, sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(png)
            temporary.replace(path)  # atomic: a crash leaves no half-written original

    def load(self, code: str, sha256: str) -> bytes:
        return self.path(code, sha256).read_bytes()
