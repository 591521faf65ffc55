#!/usr/bin/env bash
# Installs the independent check tools that `npm test` runs (test/real/validators.test.ts):
#   - kubernetes-validate and checkov, pinned in requirements-tools.txt, into .venv-tools;
#   - actionlint, built from the Go module proxy at the pinned version, into .tools/bin;
#   - shellcheck, from Debian (actionlint runs it on every `run:` block).
# Idempotent: a tool already installed at its pinned version is left alone (a second run takes
# about a second). Without REQUIRE_TOOLS=1 a tool that cannot be installed here (no Go, no root
# for apt-get) is reported in one line and `npm test` says it skipped that check; with
# REQUIRE_TOOLS=1 (.ci/run, CI) that is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: the newest actionlint release (its tags on the Go module proxy).
ACTIONLINT_VERSION=v1.7.12
VENV=.venv-tools
REQUIREMENTS=requirements-tools.txt

missing() {
    if [ "${REQUIRE_TOOLS:-}" = 1 ]; then
        echo "install-tools: $1" >&2
        exit 1
    fi
    echo "install-tools: $1; npm test will skip that check"
}

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        apt-get install -y -qq "$@" >/dev/null
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo apt-get update -qq
        sudo apt-get install -y -qq "$@" >/dev/null
    else
        return 1
    fi
}

# Python tools: rebuilt from scratch whenever requirements-tools.txt changes (a stamp holds its hash).
install_python_tools() {
    local want
    want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
    if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" = "$want" ] && [ -x "$VENV/bin/checkov" ]; then
        return 0
    fi
    # Debian's python3 ships venv's pip bootstrap separately.
    if ! python3 -c 'import ensurepip' 2>/dev/null && ! apt_install python3-venv; then
        missing "python3 cannot create a venv (apt-get install python3-venv)"
        return 0
    fi
    python3 -m venv --clear "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$want" > "$VENV/.requirements.sha256"
}
install_python_tools

# actionlint, from the Go module proxy.
if [ "$(.tools/bin/actionlint -version 2>/dev/null | head -n1)" != "$ACTIONLINT_VERSION" ]; then
    if command -v go >/dev/null; then
        GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
    else
        missing "actionlint $ACTIONLINT_VERSION needs a Go toolchain (go install), and there is none"
    fi
fi

# ShellCheck, from Debian.
if ! command -v shellcheck >/dev/null; then
    apt_install shellcheck || missing "shellcheck is not installed and apt-get needs root (apt-get install shellcheck)"
fi
