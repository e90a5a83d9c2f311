"""The hall's scripts and style, named in the pages with their content's hash (``/static/vote.js?v=<hash>``) and
kept by a phone for a year: a phone never asks for them again, and a server upgraded between two rounds names
new scripts by new addresses. Each worker reads a file once and serves it from memory.

A name without its hash (a script's worker, an old page after an upgrade) is kept ten minutes, then checked
again by its ETag. Pages and API answers are never stored (web/security.py).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"  # a year: the address changes with the content
REVALIDATE = "public, max-age=600"  # no hash in the address: ten minutes, then its ETag (a 304 of a few bytes)


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file as served: its bytes, its type and the hash of its content."""

    body: bytes
    media_type: str
    digest: str

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


class Assets:
    """The files under one folder, each read and hashed once per worker (on first use)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self._kept: dict[str, Asset] = {}

    def get(self, name: str) -> Asset | None:
        """The file ``name`` (relative to the folder, never outside it), or None if there is no such file."""
        found = self._kept.get(name)
        if found is None:
            path = (self.directory / name).resolve()
            if not path.is_relative_to(self.directory) or not path.is_file():
                return None
            body = path.read_bytes()
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            found = self._kept[name] = Asset(body, media_type, hashlib.sha256(body).hexdigest()[:16])
        return found

    def url(self, name: str) -> str:
        """The address a page names ``name`` by: with its content's hash, so a phone may keep it for good."""
        asset = self.get(name)
        if asset is None:
            raise FileNotFoundError(name)
        return f"/static/{name}?v={asset.digest}"


class HashedStatic(StaticFiles):
    """``/static``: a file named with its current hash is kept a year; without (or with another hash), ten minutes."""

    def __init__(self, assets: Assets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets

    async def get_response(self, path: str, scope: Scope) -> Response:
        asset = self.assets.get(path) if scope["method"] in ("GET", "HEAD") else None
        if asset is None:  # refusals (no such file, another method) as Starlette makes them
            return await super().get_response(path, scope)
        sent = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        headers = {"Cache-Control": IMMUTABLE if sent == asset.digest else REVALIDATE, "ETag": asset.etag}
        if Headers(scope=scope).get("if-none-match", "").strip() == asset.etag:
            return Response(status_code=304, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = REVALIDATE
        return response
