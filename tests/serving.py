"""A real `between serve` in a subprocess, for the browser, conformance and deploy tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(database_url: str, workdir: Path, *args: str, pwa_dir: Path | None = None, **env: str):
    """`between serve` on a free port (plus `args` and `env`), once its /readyz answers;
    yields the process and its base URL. Afterwards it is stopped as an operator would
    (SIGTERM), unless the test already did, and killed if it does not stop."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "BETWEEN_ENV": "development", **env}
    if pwa_dir is not None:
        environment["BETWEEN_PWA_DIR"] = str(pwa_dir)
    log_path = workdir / "serve.log"
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
            deadline = time.monotonic() + START_SECONDS
            while True:
                if process.poll() is not None:
                    pytest.fail("between serve stopped:\n" + log_path.read_text())
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("between serve did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield process, base
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def start_server(database_url: str, workdir: Path, pwa_dir: Path | None = None):
    """Run `between serve` on `database_url`; yields its base URL."""
    with serving(database_url, workdir, pwa_dir=pwa_dir) as (_, base):
        yield base
