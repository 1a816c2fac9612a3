"""Serving the PWA: its files, the service worker with the shell list, deep links."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from server.errors import ErrorCode, error_body

SERVICE_WORKER = "sw.js"
# Text files are sent gzipped to clients that take it: the shell is mostly JavaScript
# and CSS, which shrink to a quarter. Images are compressed already.
COMPRESSIBLE = frozenset({".html", ".js", ".css", ".json", ".webmanifest", ".svg", ".txt"})


def shell_files(pwa_dir: Path) -> list[Path]:
    """Every file the app needs to open offline, in a stable order."""
    return sorted(
        path
        for path in pwa_dir.rglob("*")
        if path.is_file() and path.name != SERVICE_WORKER and not path.name.startswith(".")
    )


def service_worker_source(pwa_dir: Path) -> str:
    """sw.js with the shell list and a version that changes whenever any file does.

    Computed from the files themselves, so a changed app always reaches devices as an
    update, without a build step to forget.
    """
    files = shell_files(pwa_dir)
    worker = (pwa_dir / SERVICE_WORKER).read_text()
    digest = hashlib.sha256(worker.encode())
    urls = []
    for path in files:
        url = "/" + path.relative_to(pwa_dir).as_posix()
        urls.append(url)
        digest.update(url.encode() + b"\0" + path.read_bytes())
    header = (
        f"const VERSION = {json.dumps(digest.hexdigest()[:16])};\n"
        f"const SHELL = {json.dumps(urls)};\n"
    )
    return header + worker


class ServiceWorker:
    """sw.js, made again only when a file of the app changed: browsers ask for it on
    every navigation, and reading the whole app each time would cost for nothing."""

    def __init__(self, pwa_dir: Path) -> None:
        self.pwa_dir = pwa_dir
        self._made: tuple[tuple[tuple[str, int, int], ...], str] | None = None

    def source(self) -> str:
        paths = [self.pwa_dir / SERVICE_WORKER, *shell_files(self.pwa_dir)]
        stamp = tuple((str(p), (st := p.stat()).st_mtime_ns, st.st_size) for p in paths)
        if self._made is None or self._made[0] != stamp:
            self._made = (stamp, service_worker_source(self.pwa_dir))
        return self._made[1]

    async def answer(self, request: Request) -> Response:
        return Response(
            self.source(), media_type="text/javascript", headers={"cache-control": "no-cache"}
        )


def takes_gzip(request_headers: Headers) -> bool:
    for part in request_headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            return quality == "" or quality.replace(".", "", 1).strip("0") != ""
    return False


class AppFiles(StaticFiles):
    """Static files, where any path that is not a file is the app (a deep link).

    Text files go out gzipped when the client takes it. Each is compressed once, on
    first request, and again only if the file changes (which happens in development)."""

    def __init__(self, directory: str | os.PathLike[str], **kwargs: Any) -> None:
        super().__init__(directory=directory, **kwargs)
        self.index = Path(directory) / "index.html"
        self._gzipped: dict[str, tuple[tuple[int, int], bytes]] = {}

    def file_response(
        self,
        full_path: os.PathLike | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        if Path(full_path).suffix not in COMPRESSIBLE:
            return super().file_response(full_path, stat_result, scope, status_code)
        plain = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        headers = {k: v for k, v in plain.headers.items() if k != "content-length"}
        headers["vary"] = "Accept-Encoding"
        if not takes_gzip(request_headers):
            plain.headers["vary"] = "Accept-Encoding"
            if self.is_not_modified(plain.headers, request_headers):
                return NotModifiedResponse(plain.headers)
            return plain
        # Another encoding is another representation: it gets an entity tag of its own.
        headers["etag"] = headers["etag"].removesuffix('"') + '-gzip"'
        headers["content-encoding"] = "gzip"
        if self.is_not_modified(Headers(headers), request_headers):
            return NotModifiedResponse(Headers(headers))
        body = self._compressed(str(full_path), stat_result)
        return Response(body, status_code=status_code, headers=headers)

    def _compressed(self, path: str, stat_result: os.stat_result) -> bytes:
        version = (stat_result.st_mtime_ns, stat_result.st_size)
        cached = self._gzipped.get(path)
        if cached is None or cached[0] != version:
            with open(path, "rb") as file:
                cached = (version, gzip.compress(file.read(), compresslevel=9, mtime=0))
            self._gzipped[path] = cached
        return cached[1]

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code == 405:
                return method_not_allowed(error)
            if error.status_code != 404 or "." in Path(path).name:
                raise
            return self.file_response(self.index, self.index.stat(), scope)


def method_not_allowed(error: HTTPException) -> Response:
    """A write to a file of the app (often /graphql/ for /graphql), in the error shape."""
    return Response(
        error_body(ErrorCode.BAD_REQUEST, "Only GET reaches the app here; GraphQL is at /graphql."),
        status_code=405,
        headers=error.headers,
        media_type="application/json",
    )
