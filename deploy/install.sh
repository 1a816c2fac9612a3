#!/usr/bin/env bash
# Install Between into PREFIX (default /opt/between):
#   PREFIX/app   the code, migrations and PWA (copied from this checkout)
#   PREFIX/venv  a virtualenv with the app and its dependencies
#   PREFIX/bin/between  the command the systemd units and containers run
#
# The Containerfile runs this script and so does `make deploy-smoke`, so the container
# path and the tested path are one. Running it again upgrades in place; the replicas
# keep running the code they loaded until each is restarted (docs/deploy.md, Upgrades).
#
# Usage: deploy/install.sh [PREFIX]     (PYTHON=python3.12 to choose the interpreter)
set -euo pipefail

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$(mkdir -p "${1:-/opt/between}" && cd "${1:-/opt/between}" && pwd)"
PYTHON="${PYTHON:-python3}"

# Only what the server needs at run time: the package, its migrations and the PWA.
staging="$PREFIX/app.new"
rm -rf "$staging"
mkdir -p "$staging"
for part in server alembic alembic.ini pwa pyproject.toml README.md; do
  cp -R "$SOURCE/$part" "$staging/"
done
find "$staging" -name __pycache__ -prune -exec rm -rf {} +

if [ -d "$PREFIX/app" ]; then
  rm -rf "$PREFIX/app.old"
  mv "$PREFIX/app" "$PREFIX/app.old"
fi
mv "$staging" "$PREFIX/app"

if [ ! -x "$PREFIX/venv/bin/python" ]; then
  "$PYTHON" -m venv "$PREFIX/venv"
  "$PREFIX/venv/bin/python" -m pip install --quiet --upgrade pip
fi
# Editable, so that the app finds its migrations and PWA beside its code in PREFIX/app.
"$PREFIX/venv/bin/python" -m pip install --quiet --editable "$PREFIX/app"

mkdir -p "$PREFIX/bin"
ln -sf "$PREFIX/venv/bin/between" "$PREFIX/bin/between"
rm -rf "$PREFIX/app.old"
"$PREFIX/bin/between" --help >/dev/null
echo "Installed Between into $PREFIX (run $PREFIX/bin/between)."
