"""Every setting tinnhiem reads, from ``TINNHIEM_*`` environment variables, checked once here.

Nothing else in the code reads the environment: ``storage.db.home()``/``database_url()``, the web
app, the fonts and the command line's language all take their values from a ``Settings``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TOKEN_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"  # Debian's SoftHSM2 (rehearsals); a token vendor's own
ORGANISER_CODE_SYMBOLS = 12  # case, spaces and dashes aside (as the sign-in reads it); made ones have 16
ORGANISER_CODE_DISTINCT = 6  # AAAAAAAAAAAA and 121212121212 are not passwords


def strong_enough(code: str) -> bool:
    """A first admin's password as typed at sign-in (case, spaces and dashes do not count): long and varied enough."""
    typed = "".join(code.split()).replace("-", "").upper()
    return len(typed) >= ORGANISER_CODE_SYMBOLS and len(set(typed)) >= ORGANISER_CODE_DISTINCT


def _kept_secret(path: Path, make: str) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    """``TINNHIEM_HOME``, ``TINNHIEM_DATABASE_URL``, … (README, Settings); values passed in win over the environment."""

    model_config = SettingsConfigDict(env_prefix="TINNHIEM_", frozen=True)

    def __init__(self, **values: Any) -> None:
        """Keywords only: BaseSettings would take positional values as its own options and drop them."""
        super().__init__(**values)

    home: Path = Path("tinnhiem-data")  # where tinnhiem keeps its files
    database_url: str = ""  # empty: the SQLite file HOME/tinnhiem.sqlite3
    secret_key: str = ""  # signs session cookies; empty: made once, kept in HOME/secret.key
    organiser_code: str = ""  # the first admin's password (account quantri); empty: made once, in HOME/organiser.code
    redis_url: str | None = None  # live updates and sign-in limits across workers
    sign_in_attempts: int = Field(default=10, ge=1, le=1000)  # sign-ins allowed per card per window (web/limiter.py)
    organiser_attempts: int = Field(default=10, ge=1, le=1000)  # sign-ins allowed to the organisers' account per window
    spoiled_per_address: int = Field(default=12, ge=1, le=10_000)  # spoiled ballots per client address per window
    attempt_window: int = Field(default=600, ge=1, le=86_400)  # seconds
    lang: Literal["vi", "en"] = "vi"  # the command line's language
    font_dir: Path | None = None  # a folder with LiberationSerif-*.ttf-named files, tried first
    trust_roots: Path | None = None  # root certificates (a PEM/DER file or a folder of them) report imports trust
    token_library: str = DEFAULT_TOKEN_LIBRARY  # the signing tokens' PKCS#11 library (the committee's minutes page)

    @field_validator("home")
    @classmethod
    def _absolute(cls, home: Path) -> Path:
        return home.expanduser().resolve()

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        if url and not url.startswith(("sqlite:", "postgresql")):
            raise ValueError("a SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://user@host/db")
        return url

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis(cls, url: object) -> object:
        if url in ("", None):
            return None
        if not str(url).startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("a Redis URL: redis://HOST:PORT/DB")
        return url

    @field_validator("lang", mode="before")
    @classmethod
    def _language(cls, lang: object) -> object:
        text = str(lang or "vi").lower()
        return "en" if text.startswith("en") else "vi" if text.startswith("vi") else text  # en_GB.UTF-8 is en

    @field_validator("font_dir", mode="before")
    @classmethod
    def _font_dir(cls, folder: object) -> object:
        if folder in ("", None):
            return None
        if not Path(str(folder)).is_dir():
            raise ValueError(f"not a folder: {folder}")
        return folder

    def database(self) -> str:
        """The database's URL: DATABASE_URL, else the SQLite file under HOME (its folder made)."""
        if self.database_url:
            return self.database_url
        path = self.home / "tinnhiem.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"

    @classmethod
    def from_env(cls) -> Settings:
        """The environment's settings, with the database's URL and the hall's two secrets filled in.

        A TINNHIEM_ORGANISER_CODE that a guesser could try in an afternoon (1234, a name) is refused, naming
        the variable and never its value: it is the first admin's password (docs/security.md).
        """
        read = current()
        if read.organiser_code and not strong_enough(read.organiser_code):
            raise SystemExit("Cài đặt sai / Wrong setting: TINNHIEM_ORGANISER_CODE: mật khẩu quá yếu, cần ít nhất "
                             f"{ORGANISER_CODE_SYMBOLS} chữ cái hoặc chữ số, {ORGANISER_CODE_DISTINCT} ký tự khác nhau "
                             f"/ too weak a password: at least {ORGANISER_CODE_SYMBOLS} letters or digits, "
                             f"{ORGANISER_CODE_DISTINCT} of them different (or leave it empty: one is made)")
        return read.model_copy(update={
            "database_url": read.database(),
            "secret_key": read.secret_key or _kept_secret(read.home / "secret.key", secrets.token_hex(32)),
            "organiser_code": read.organiser_code
            or _kept_secret(read.home / "organiser.code", "-".join(secrets.token_hex(2).upper() for _ in range(4))),
        })


def current() -> Settings:
    """The environment's settings now; a wrong value stops the program naming its variable (no traceback)."""
    try:
        return Settings()
    except ValidationError as error:
        wrong = "; ".join(f"TINNHIEM_{'_'.join(str(p) for p in e['loc']).upper()}={e['input']!r}: {e['msg']}"
                          for e in error.errors())
        raise SystemExit(f"Cài đặt sai / Wrong setting: {wrong}") from None
