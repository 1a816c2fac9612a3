"""Outside clients, run by node, against a real server in a subprocess.

The npm packages named in package.json (exact versions, none with dependencies of its
own) are installed on first use into a cache folder outside the repository, one folder
per version of package.json (tools/npm_cache.py). Without node and npm these tests
skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tools.npm_cache import NpmInstallFailed, NpmUnavailable, check_node, installed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = HERE / "package.json"
NODE_MAJOR = 20  # graphql-ws 6 needs it


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason}: CI must run the conformance checks.")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def server_from_this_checkout(monkeypatch):
    """Servers started here import `server` from this checkout, even where the virtualenv
    has another checkout installed (a second work tree sharing one .venv)."""
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The folder of the installed npm packages, for NODE_PATH."""
    try:
        check_node("the conformance checks", NODE_MAJOR)
    except NpmUnavailable as error:
        _unavailable(str(error))
    try:
        return installed(PACKAGE, "between-conformance")
    except NpmInstallFailed as error:
        pytest.fail(str(error))


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
