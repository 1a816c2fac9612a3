"""A real `between serve` in a subprocess, for tests that signal it or read its ports."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import free_port


@contextlib.contextmanager
def serving(database_url: str, workdir: Path, *args: str, **env: str):
    """`between serve` on a free port (plus `args`), once its /readyz answers; yields the
    process and its base URL, and kills it afterwards if it still runs."""
    port = free_port()
    log_path = workdir / "serve.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BETWEEN_ENV": "development",
        **env,
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args],
            env=environment,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            yield process, base
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
