#!/usr/bin/env bash
# Builds the oms-plan release binary of the sources in the current directory: `swift build -c
# release --product oms-plan --static-swift-stdlib` (the Swift runtime, Foundation and
# Dispatch linked in), and SQLite linked in as well when the system has libsqlite3.a (GRDB
# links `-lsqlite3`; a folder that holds only the static archive, put first on the linker's
# search path, makes that resolve to the archive). Then the man page tool of
# swift-argument-parser, when it builds.
# Used by scripts/release.sh and by the Dockerfile, so that both build the same way.
#
# Usage: scripts/build-release-binary.sh SCRATCH_PATH OUT_DIR
#   OUT_DIR/oms-plan           the binary (not stripped)
#   OUT_DIR/generate-manual    swift-argument-parser's man page generator, if it built
#   OUT_DIR/sqlite-linkage     "static" or "shared"
# OMS_PLAN_SQLITE=shared skips the static SQLite attempt; OMS_PLAN_MANPAGE_TOOL=0 skips the man
# page generator.
set -euo pipefail
if [ "$#" -ne 2 ]; then
    echo "usage: $0 SCRATCH_PATH OUT_DIR" >&2
    exit 2
fi
scratch="$1" out="$2"
mkdir -p "$scratch" "$out"
scratch="$(cd "$scratch" && pwd)"
out="$(cd "$out" && pwd)"

args=(-c release --static-swift-stdlib --scratch-path "$scratch")
sqlite_archive=""
if [ "${OMS_PLAN_SQLITE:-static}" != shared ]; then
    for candidate in /usr/lib/*-linux-gnu/libsqlite3.a /usr/lib64/libsqlite3.a /usr/lib/libsqlite3.a; do
        if [ -f "$candidate" ]; then sqlite_archive="$candidate"; break; fi
    done
fi
if [ -n "$sqlite_archive" ]; then
    mkdir -p "$scratch/sqlite-static"
    ln -sf "$sqlite_archive" "$scratch/sqlite-static/libsqlite3.a"
    args+=(-Xlinker "-L$scratch/sqlite-static")
    echo "build-release-binary: linking SQLite statically from $sqlite_archive" >&2
else
    echo "build-release-binary: no libsqlite3.a (or OMS_PLAN_SQLITE=shared): SQLite stays a shared library" >&2
fi

echo "build-release-binary: swift build ${args[*]} --product oms-plan" >&2
swift build "${args[@]}" --product oms-plan
bin="$(swift build "${args[@]}" --show-bin-path)"
cp "$bin/oms-plan" "$out/oms-plan"

if readelf -d "$out/oms-plan" | grep -q 'NEEDED.*libsqlite3'; then
    echo shared > "$out/sqlite-linkage"
else
    echo static > "$out/sqlite-linkage"
fi
echo "build-release-binary: SQLite is linked $(cat "$out/sqlite-linkage")" >&2

# The man page generator (a tool target of swift-argument-parser). Optional: without it
# scripts/release-manpage.sh writes the page from the binary's --experimental-dump-help.
rm -f "$out/generate-manual"
if [ "${OMS_PLAN_MANPAGE_TOOL:-1}" = 0 ]; then
    exit 0
fi
if swift build "${args[@]}" --product generate-manual >&2; then
    cp "$bin/generate-manual" "$out/generate-manual"
else
    echo "build-release-binary: warning: generate-manual did not build; the man page will be written from --experimental-dump-help" >&2
fi
