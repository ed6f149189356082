#!/usr/bin/env bash
# One door for a fresh machine: `./dev.sh demo` installs taocli and runs the main job;
# `./dev.sh test` installs it with the test extras and runs lint, the type check and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=.venv

install() {
    local extras=$1
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$extras"
}

case "${1:-}" in
    demo)
        install ""
        shift
        exec "$VENV/bin/taocli" demo "$@"
        ;;
    test)
        install "[test]"
        shift
        "$VENV/bin/ruff" check .
        "$VENV/bin/mypy"
        exec "$VENV/bin/python" -m pytest -n 2 "$@"
        ;;
    *)
        echo "usage: ./dev.sh demo | ./dev.sh test [pytest args]" >&2
        exit 2
        ;;
esac
