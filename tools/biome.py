"""Biome on pwa/: `python -m tools.biome check` (make lint) or `... format` (make format).

Biome comes from npm, pinned in biome.package.json, into a cache folder outside the
repository (tools/npm_cache.py); the configuration is biome.json at the root.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.npm_cache import NpmInstallFailed, NpmUnavailable, check_node, installed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = HERE / "biome.package.json"
NODE_MAJOR = 18

# What each command runs: lint and formatting checked, or the code formatted and the
# safe fixes applied.
COMMANDS = {
    "check": ["ci"],
    "format": ["check", "--write"],
}


def biome() -> Path:
    check_node("Biome's checks", NODE_MAJOR)
    return installed(PACKAGE, "between-biome") / ".bin" / "biome"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: python -m tools.biome {{{','.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    try:
        binary = biome()
    except (NpmUnavailable, NpmInstallFailed) as error:
        print(error, file=sys.stderr)
        return 1
    return subprocess.run([str(binary), *COMMANDS[argv[0]]], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
