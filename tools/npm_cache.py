"""npm packages for development, installed into a cache folder outside the repository.

Each package.json (exact versions) gets one folder per version of its content, under
~/.cache (or $XDG_CACHE_HOME), so nothing is installed into the repository and a
changed pin installs afresh. The install goes into a fresh folder that is then moved
into place in one step, so two runs at once never see half an install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_SECONDS = 300


class NpmUnavailable(RuntimeError):
    """node or npm is missing, or too old."""


class NpmInstallFailed(RuntimeError):
    """npm install ran and failed."""


def cache_root(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / name


def check_node(needs: str, major: int) -> None:
    """Raise NpmUnavailable unless node `major` or newer and npm are on the PATH."""
    if not shutil.which("node") or not shutil.which("npm"):
        raise NpmUnavailable(f"{needs} need node and npm (apt-get install -y nodejs npm)")
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < major:
        raise NpmUnavailable(f"{needs} need node {major} or newer, not {version}")


def installed(package: Path, cache_name: str) -> Path:
    """The node_modules folder of `package` (a package.json), installed on first use."""
    version = hashlib.sha256(package.read_bytes()).hexdigest()[:16]
    folder = cache_root(cache_name) / version
    if not (folder / "node_modules").is_dir():
        _install(package, folder)
    return folder / "node_modules"


def _install(package: Path, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix="installing-"))
    try:
        shutil.copyfile(package, staging / "package.json")
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts"],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=INSTALL_SECONDS,
        )
        if done.returncode != 0:
            raise NpmInstallFailed(f"npm install failed:\n{done.stdout}\n{done.stderr}")
        try:
            staging.rename(folder)
        except OSError:
            if not folder.exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
