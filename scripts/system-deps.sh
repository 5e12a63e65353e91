#!/usr/bin/env bash
# Installs the Debian packages that the shipping checks use, when they are missing:
#   - the shell linter (actionlint runs it on `run:` blocks; the tests run it on scripts/*.sh),
#   - zsh and fish (to syntax-check the generated completion scripts),
#   - promtool, from Debian's prometheus package (checks and unit-tests the alert rules),
#   - chromium (headless: loads the status page and takes its screenshot).
# Quiet, and never fails: without root, without apt-get, or with the package mirror out of
# reach it installs nothing, and the tests that need a missing tool skip and say why.
# Usage: scripts/system-deps.sh   (scripts/test.sh runs it)
set -uo pipefail
# A command, or COMMAND=PACKAGE when the Debian package is named differently.
wanted=(shellcheck zsh fish promtool=prometheus chromium)
missing=()
for entry in "${wanted[@]}"; do
    command -v "${entry%%=*}" >/dev/null 2>&1 || missing+=("${entry#*=}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get; not installing ${missing[*]} (the checks that need them will skip)" >&2
    exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        echo "system-deps: not root; not installing ${missing[*]} (the checks that need them will skip)" >&2
        exit 0
    fi
fi
install() {
    DEBIAN_FRONTEND=noninteractive timeout 300 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}
echo "system-deps: installing ${missing[*]}" >&2
if ! install "${missing[@]}"; then
    # Package lists may be missing or stale on a fresh machine.
    timeout 120 "${sudo[@]}" apt-get update -qq >/dev/null 2>&1
    if ! install "${missing[@]}"; then
        # One package that cannot be had must not keep the others out: one at a time.
        for package in "${missing[@]}"; do
            install "$package" || echo "system-deps: apt-get could not install $package (the checks that need it will skip)" >&2
        done
    fi
fi
exit 0
