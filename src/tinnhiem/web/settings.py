"""Web settings from the environment; secrets made once and kept under TINNHIEM_HOME."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from tinnhiem.storage.db import database_url, home


def _kept_secret(path: Path, make: str) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    home: Path
    secret_key: str  # signs session cookies
    organiser_code: str  # signs organisers in (printed by `tinnhiem serve`)
    redis_url: str | None = None  # live updates across workers (TINNHIEM_REDIS_URL)
    sign_in_attempts: int = 10  # sign-ins allowed per card per window (web/limiter.py)
    organiser_attempts: int = 10  # sign-ins allowed to the organisers' account per window
    attempt_window: int = 600  # seconds

    @classmethod
    def from_env(cls) -> Settings:
        root = home()
        return cls(
            database_url=database_url(),
            home=root,
            secret_key=os.environ.get("TINNHIEM_SECRET_KEY")
            or _kept_secret(root / "secret.key", secrets.token_hex(32)),
            organiser_code=os.environ.get("TINNHIEM_ORGANISER_CODE")
            or _kept_secret(root / "organiser.code", secrets.token_hex(4).upper()),
            redis_url=os.environ.get("TINNHIEM_REDIS_URL") or None,
        )
