"""Serving the PWA: its files, the service worker with the shell list, deep links."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from server.errors import ErrorCode, error_body

SERVICE_WORKER = "sw.js"


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


def service_worker(pwa_dir: Path):
    async def endpoint(request: Request) -> Response:
        return Response(
            service_worker_source(pwa_dir),
            media_type="text/javascript",
            headers={"cache-control": "no-cache"},
        )

    return endpoint


class AppFiles(StaticFiles):
    """Static files, where any path that is not a file is the app (a deep link)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code == 405:
                return method_not_allowed(error)
            if error.status_code != 404 or "." in Path(path).name:
                raise
            return FileResponse(Path(self.directory) / "index.html")


def method_not_allowed(error: HTTPException) -> Response:
    """A write to a file of the app (often /graphql/ for /graphql), in the error shape."""
    return Response(
        error_body(ErrorCode.BAD_REQUEST, "Only GET reaches the app here; GraphQL is at /graphql."),
        status_code=405,
        headers=error.headers,
        media_type="application/json",
    )
