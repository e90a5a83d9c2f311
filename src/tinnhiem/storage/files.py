"""Original scans kept on disk as received, by content hash, under TINNHIEM_HOME/scans/ROUND/.

A multi-page PDF is kept once; each of its sheets points at it by (hash, page).
Implements services.ports.ImageStore.
"""

from __future__ import annotations

from pathlib import Path


class ImageFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, code: str, sha256: str, suffix: str) -> Path:
        return self.root / code / f"{sha256}{suffix}"

    def save(self, code: str, sha256: str, suffix: str, data: bytes) -> None:
        path = self.path(code, sha256, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_bytes(data)
            temporary.replace(path)  # atomic: a crash leaves no half-written original

    def load(self, code: str, sha256: str) -> tuple[bytes, str]:
        """The original's bytes and suffix (".pdf", ".png", ".jpg", …)."""
        (path,) = (self.root / code).glob(f"{sha256}.*")
        return path.read_bytes(), path.suffix
