#!/usr/bin/env bash
# Checks a release archive the way a user meets it: on a minimal Debian with nothing else.
#   1. the checksum file matches the archive;
#   2. in a fresh copy of a `debootstrap --variant=minbase bookworm` root (made once, cached in
#      .build-rootfs/), as an unprivileged user via chroot: `oms-plan --version`,
#      `oms-plan validate` and `oms-plan apply --auto-approve` of examples/quickstart against the
#      embedded sandbox, and `bash -n` of the bash completion;
#   3. ldd of the binary inside that root: every library found, and none from the Swift
#      toolchain (libswift*, libFoundation*, libdispatch, libBlocksRuntime, /opt/swift, ICU).
#   4. the man page, man/oms-plan.1: there, and naming every command and long option of the
#      binary (scripts/gen_manpage.py --check; with groff installed, formatted without a warning).
# Prints sizes and a PASS/FAIL line per check; exits 1 if any check failed.
# Needs root (debootstrap, mount, chroot). Installs debootstrap with apt-get when missing.
# Usage: scripts/check-release.sh [dist/oms-plan-<version>-linux-<arch>.tar.gz]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

if [ "$(id -u)" != 0 ]; then
    echo "check-release: needs root (debootstrap, mount, chroot)" >&2
    exit 1
fi
case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "check-release: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
tarball="${1:-}"
if [ -z "$tarball" ]; then
    for candidate in dist/oms-plan-*-linux-"$arch".tar.gz; do
        if [ -f "$candidate" ] && { [ -z "$tarball" ] || [ "$candidate" -nt "$tarball" ]; }; then tarball="$candidate"; fi
    done
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
    echo "check-release: no archive (run scripts/release.sh first, or name one)" >&2
    exit 1
fi
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"
name="$(basename "$tarball" .tar.gz)"
version="${name#oms-plan-}"
version="${version%-linux-*}"

failures=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

echo "== archive $tarball"
if (cd "$(dirname "$tarball")" && sha256sum -c "$name.tar.gz.sha256"); then
    pass "checksum ($name.tar.gz.sha256)"
else
    fail "checksum ($name.tar.gz.sha256)"
fi

# ---- the minimal Debian root: made once, copied fresh for every run ----
cache="$repo/.build-rootfs/bookworm-minbase"
if [ ! -x "$cache/bin/bash" ]; then
    if ! command -v debootstrap >/dev/null; then
        echo "== installing debootstrap"
        apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    fi
    echo "== debootstrap --variant=minbase bookworm (once; cached in $cache)"
    rm -rf "$cache.partial"
    mkdir -p "$(dirname "$cache")"
    debootstrap --variant=minbase bookworm "$cache.partial" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
    rm -rf "$cache"
    mv "$cache.partial" "$cache"
fi
root="$(mktemp -d "$repo/.build-rootfs/run.XXXXXX")"
mounted=()
cleanup() {
    local m
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        m="${mounted[$i]}"
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    # Only remove the copy once nothing is mounted inside it any more.
    if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; fi
}
trap cleanup EXIT
cp -a "$cache/." "$root/"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")

echo "== unpack into /opt, binary to /usr/local/bin, quickstart to /work"
tar -xzf "$tarball" -C "$root/opt"
install -m 0755 "$root/opt/$name/oms-plan" "$root/usr/local/bin/oms-plan"
mkdir -p "$root/work"
cp -r examples/quickstart "$root/work/quickstart"
chown -R 1000:1000 "$root/work"

# Runs a command in the root as uid 1000 with an empty environment, in /work.
inroot() {
    chroot --userspec=1000:1000 "$root" /usr/bin/env -i \
        PATH=/usr/local/bin:/usr/bin:/bin HOME=/work TMPDIR=/tmp NO_COLOR=1 \
        /bin/sh -c 'cd /work && exec "$@"' sh "$@"
}

echo "== $(sed -n 's/^PRETTY_NAME=//p' "$root/etc/os-release" | tr -d '"') (minbase), as uid 1000"
if out="$(inroot oms-plan --version 2>&1)"; then
    echo "$ oms-plan --version"
    echo "$out"
    case "$out" in
        "$version"*) pass "oms-plan --version" ;;
        *) fail "oms-plan --version (does not start with $version)" ;;
    esac
else
    echo "$out"
    fail "oms-plan --version"
fi

if inroot oms-plan validate quickstart > "$root/work/validate.out" 2>&1; then
    echo "$ oms-plan validate quickstart"
    tail -n 1 "$root/work/validate.out"
    pass "oms-plan validate quickstart"
else
    cat "$root/work/validate.out"
    fail "oms-plan validate quickstart"
fi

code=0
inroot oms-plan apply quickstart --auto-approve > "$root/work/apply.out" 2> "$root/work/apply.err" || code=$?
echo "$ oms-plan apply quickstart --auto-approve   (exit $code)"
grep -E '^(Apply complete|Plan:)' "$root/work/apply.out" || tail -n 3 "$root/work/apply.out"
tail -n 1 "$root/work/apply.err"
if [ "$code" = 0 ]; then
    pass "oms-plan apply quickstart --auto-approve (embedded sandbox)"
else
    cat "$root/work/apply.err"
    fail "oms-plan apply quickstart --auto-approve (exit $code)"
fi

if inroot bash -n "/opt/$name/completions/oms-plan.bash"; then
    pass "bash -n completions/oms-plan.bash"
else
    fail "bash -n completions/oms-plan.bash"
fi

echo "== man page"
page="$root/opt/$name/man/oms-plan.1"
if ! command -v python3 >/dev/null; then
    fail "man page: python3 is needed to check it"
elif python3 scripts/gen_manpage.py --check "$page" "$root/opt/$name/oms-plan"; then
    pass "man/oms-plan.1: every command and option ($(grep '^man page:' "$root/opt/$name/BUILDINFO.txt" || echo 'BUILDINFO.txt does not say how it was written'))"
else
    fail "man/oms-plan.1 is missing or incomplete (above)"
fi

echo "== ldd /usr/local/bin/oms-plan (inside the root)"
ldd_out="$(chroot "$root" /usr/bin/ldd /usr/local/bin/oms-plan 2>&1)" || true
echo "$ldd_out"
if grep -q 'not found' <<< "$ldd_out"; then
    fail "ldd: a shared library is missing on minimal Debian"
else
    pass "ldd: every shared library is present on minimal Debian"
fi
if grep -Eiq '/opt/swift|libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu' <<< "$ldd_out"; then
    fail "ldd: links a library of the Swift toolchain"
else
    pass "ldd: nothing from the Swift toolchain"
fi
if grep -q 'libsqlite3' <<< "$ldd_out"; then
    echo "note: SQLite is a shared library here (libsqlite3.so.0, Debian/Ubuntu package libsqlite3-0)"
else
    echo "note: SQLite is linked in (no libsqlite3.so needed)"
fi

echo "== sizes"
echo "archive:  $(stat -c %s "$tarball") bytes  $(basename "$tarball")"
echo "binary:   $(stat -c %s "$root/usr/local/bin/oms-plan") bytes  (stripped)"
echo "unpacked: $(du -sb "$root/opt/$name" | cut -f1) bytes  ($(cd "$root/opt/$name" && find . -type f | sort | grep -v '^./licenses/' | tr '\n' ' ')+ licenses/)"

echo
if [ "$failures" = 0 ]; then
    echo "check-release: all checks passed for $name"
else
    echo "check-release: $failures check(s) FAILED for $name"
    exit 1
fi
