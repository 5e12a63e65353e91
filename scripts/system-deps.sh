#!/usr/bin/env bash
# Installs the Debian packages that the shipping checks use, when they are missing:
#   - the shell linter (actionlint runs it on `run:` blocks; the tests run it on scripts/*.sh),
#   - zsh and fish (to syntax-check the generated completion scripts),
#   - promtool, from Debian's prometheus package (checks and unit-tests the alert rules),
#   - chromium (headless: loads the status page and takes its screenshot).
#   - groff (formats the release's man page, which must come out without a warning).
# Exit 0 when every tool is there afterwards, or when it cannot install at all (no apt-get,
# not root, the package mirror out of reach): it says so, and the checks that need a missing
# tool skip on a developer's machine and fail in CI (CI=true). Exit 1, naming each missing
# command and its package, when apt-get answered and a tool still is not there: that is a
# broken set-up, not a machine without tools, and must not become a silent skip.
# Usage: scripts/system-deps.sh   (scripts/test.sh runs it)
set -uo pipefail
# A command, or COMMAND=PACKAGE when the Debian package is named differently.
wanted=(shellcheck zsh fish promtool=prometheus chromium groff=groff-base)
still_missing() {
    local entry result=()
    for entry in "${wanted[@]}"; do
        command -v "${entry%%=*}" >/dev/null 2>&1 || result+=("$entry")
    done
    echo "${result[*]}"
}
packages() { local entry; for entry in $1; do echo "${entry#*=}"; done | tr '\n' ' '; }
read -ra missing <<<"$(still_missing)"
[ "${#missing[@]}" -eq 0 ] && exit 0
read -ra missing_packages <<<"$(packages "${missing[*]}")"

cannot() {
    echo "system-deps: $1; not installing ${missing_packages[*]} (the checks that need them skip, and fail under CI=true)" >&2
    exit 0
}
command -v apt-get >/dev/null 2>&1 || cannot "no apt-get"
sudo=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        cannot "not root"
    fi
fi
install() {
    DEBIAN_FRONTEND=noninteractive timeout 300 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}
# apt-get update exits 0 when it could not fetch (it warns and keeps the old lists): its
# warnings say whether the mirror answered.
updated() {
    local output
    output="$(timeout 120 "${sudo[@]}" apt-get update -qq 2>&1)" || return 1
    ! grep -qE '^(W|E): (Failed to fetch|Some index files failed)' <<<"$output"
}
echo "system-deps: installing ${missing_packages[*]}" >&2
if ! install "${missing_packages[@]}"; then
    # Package lists may be missing or stale on a fresh machine.
    updated || cannot "apt-get update could not reach the package mirror"
    if ! install "${missing_packages[@]}"; then
        # One package that cannot be had must not keep the others out: one at a time.
        for package in "${missing_packages[@]}"; do install "$package"; done
    fi
fi
read -ra missing <<<"$(still_missing)"
[ "${#missing[@]}" -eq 0 ] && exit 0
for entry in "${missing[@]}"; do
    echo "system-deps: ${entry%%=*} is still missing after apt-get install ${entry#*=}" >&2
done
exit 1
