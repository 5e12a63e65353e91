#!/usr/bin/env bash
# Create/refresh the project virtualenv at $REPO/.venv and install the pinned
# scripts/requirements.txt, but only when that file changed since the last
# successful install (sha256 stamp kept inside the venv).
#
# Usage:
#   bash scripts/python-env.sh          # prints the venv python path last
#   source scripts/python-env.sh        # same, and sets $VENV_PYTHON
# Then run tools with "$REPO/.venv/bin/python".
#
# Works with plain `python3 -m venv` + pip reaching PyPI; nothing else needed.

_pyenv_main() {
    set -euo pipefail
    local script_dir repo venv req stamp want have py
    script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo="$(cd "$script_dir/.." && pwd)"
    venv="$repo/.venv"
    req="$script_dir/requirements.txt"
    stamp="$venv/.requirements.sha256"
    py="$venv/bin/python"

    # (Re)create the venv if missing or broken (e.g. interpreter moved).
    if [ ! -x "$py" ] || ! "$py" -c 'import sys' >/dev/null 2>&1; then
        echo "python-env: creating virtualenv at $venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi

    want="$(sha256sum "$req" | awk '{print $1}')"
    have=""
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    if [ "$want" != "$have" ]; then
        echo "python-env: installing $req" >&2
        "$py" -m pip install --disable-pip-version-check --quiet -r "$req" >&2
        echo "$want" > "$stamp"
    fi

    VENV_PYTHON="$py"
    echo "$py"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: run in a subshell so `set -euo pipefail` does not leak into the
    # caller's shell, then export the result.
    # stdout of _pyenv_main is only the final path (pip output goes to stderr).
    VENV_PYTHON="$( (_pyenv_main) )" || return 1
    export VENV_PYTHON
    echo "$VENV_PYTHON"
    unset -f _pyenv_main
else
    _pyenv_main
fi
