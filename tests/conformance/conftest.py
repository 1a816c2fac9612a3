"""Outside clients, run by node, against a real server in a subprocess.

The npm packages named in package.json (exact versions, none with dependencies of its
own) are installed on first use into a cache folder outside the repository, one folder
per version of package.json. Without node and npm these tests skip, except under CI,
where they fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import IN_CI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = HERE / "package.json"
NODE_MAJOR = 20  # graphql-ws 6 needs it
INSTALL_SECONDS = 300


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "between-conformance"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason}: CI must run the conformance checks.")
    pytest.skip(reason)


def _check_node() -> None:
    if not shutil.which("node") or not shutil.which("npm"):
        _unavailable("the conformance checks need node and npm (apt-get install -y nodejs npm)")
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < NODE_MAJOR:
        _unavailable(f"the conformance checks need node {NODE_MAJOR} or newer, not {version}")


def _install(folder: Path) -> None:
    """npm install into a fresh folder, then move it into place in one step, so that
    two test runs at once never see half an install."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix="installing-"))
    try:
        shutil.copyfile(PACKAGE, staging / "package.json")
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts"],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=INSTALL_SECONDS,
        )
        if done.returncode != 0:
            pytest.fail(f"npm install failed:\n{done.stdout}\n{done.stderr}")
        try:
            staging.rename(folder)
        except OSError:
            if not folder.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@pytest.fixture(autouse=True)
def server_from_this_checkout(monkeypatch):
    """Servers started here import `server` from this checkout, even where the virtualenv
    has another checkout installed (a second work tree sharing one .venv)."""
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The folder of the installed npm packages, for NODE_PATH."""
    _check_node()
    version = hashlib.sha256(PACKAGE.read_bytes()).hexdigest()[:16]
    folder = cache_root() / version
    if not (folder / "node_modules").is_dir():
        _install(folder)
    return folder / "node_modules"


@pytest.fixture
def node(node_modules):
    """Run one of this folder's scripts with node; returns the Popen."""

    def start(script: str, *args: str, **popen) -> subprocess.Popen:
        return subprocess.Popen(
            ["node", str(HERE / script), *args],
            env={**os.environ, "NODE_PATH": str(node_modules)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )

    return start
