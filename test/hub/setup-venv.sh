#!/usr/bin/env bash
# Installs the hub's real Python stack (test/hub/requirements.txt) into .venv/, for the real-stack
# test and the render's lab pods. Idempotent and fast when nothing changed: the venv records the
# sha256 of the requirements file and of the Python that built it, and is rebuilt only when
# either differs. Used by `npm test` (and so by .ci/run) and `npm run setup:hub`.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.venv
REQ=test/hub/requirements.txt
PYTHON=${PYTHON:-python3}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup-venv: $PYTHON not found: install Python 3.11 or newer (the hub image runs 3.12)" >&2
    exit 1
fi
stamp="$(sha256sum "$REQ" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi
echo "setup-venv: installing $REQ into $VENV (once; later runs reuse it)" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --require-virtualenv --no-deps -r "$REQ"
"$VENV/bin/python" -m pip check --disable-pip-version-check >&2
echo "$stamp" > "$VENV/.stamp"
