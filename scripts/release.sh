#!/usr/bin/env bash
# Builds a release of oms-plan for this machine's Linux architecture:
#   dist/oms-plan-<version>-linux-<arch>.tar.gz         the archive
#   dist/oms-plan-<version>-linux-<arch>.tar.gz.sha256  its checksum (sha256sum -c format)
# The archive holds one folder, oms-plan-<version>-linux-<arch>/, with the stripped binary
# (Swift runtime and Foundation linked in), bash/zsh/fish completions, the man page (always:
# scripts/release-manpage.sh, which fails the release when it cannot write one), README.md,
# SECURITY.md, BUILDINFO.txt and the licenses of everything linked in.
#
# It builds from a temporary export of HEAD (git archive), never from the working tree, and
# writes the version and commit into that export's BuildInfo.swift: uncommitted changes are
# not part of a release, and the working tree is never modified. Version: $OMS_PLAN_VERSION,
# else the VERSION file, else `git describe --tags`. Build folders live in .build-release/
# (git-ignored), so a second run reuses the compiled dependencies.
#
# Usage: scripts/release.sh            (a first build takes about 20 minutes on 2 cores)
# OMS_PLAN_ALLOW_UNSTAMPED=1 builds even when HEAD has no BuildInfo.swift (the binary then
# reports its built-in version); OMS_PLAN_SQLITE=shared keeps SQLite a shared library.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

[ "$(uname -s)" = Linux ] || { echo "release: builds Linux releases only" >&2; exit 1; }
case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "release: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

version="${OMS_PLAN_VERSION:-}"
if [ -z "$version" ] && [ -s VERSION ]; then version="$(tr -d '[:space:]' < VERSION)"; fi
if [ -z "$version" ]; then version="$(git describe --tags --always)"; fi
version="${version#v}"
commit="$(git rev-parse --short HEAD)"
name="oms-plan-$version-linux-$arch"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "release: note: the working tree has uncommitted changes; they are NOT in this release (it builds HEAD, $commit)" >&2
fi

base="$repo/.build-release"
work="$base/src"          # the export of HEAD (a stable path, so rebuilds are incremental)
scratch="$base/scratch"   # SwiftPM's build folder
out="$base/out"
stage="$base/stage/$name"
rm -rf "$work" "$out" "$base/stage"
mkdir -p "$work" "$out" "$stage" "$repo/dist"

echo "== export HEAD ($commit) to $work"
git archive HEAD | tar -x -C "$work"
# Package.resolved is not tracked: use this checkout's, so the release links the dependency
# versions the tests ran against.
if [ -f Package.resolved ]; then cp Package.resolved "$work/"; fi

echo "== embed version $version and commit $commit"
stamped=yes
if ! bash "$work/scripts/stamp-buildinfo.sh" "$work" "$version" "$commit"; then
    if [ "${OMS_PLAN_ALLOW_UNSTAMPED:-}" = 1 ]; then
        stamped=no
        echo "release: WARNING: version embedding SKIPPED (OMS_PLAN_ALLOW_UNSTAMPED=1): the binary reports its built-in version, not $version ($commit)" >&2
    else
        echo "release: cannot embed the version (see above); OMS_PLAN_ALLOW_UNSTAMPED=1 builds anyway" >&2
        exit 1
    fi
fi

echo "== build (release, static Swift runtime)"
started=$SECONDS
(cd "$work" && bash scripts/build-release-binary.sh "$scratch" "$out")
echo "build took $((SECONDS - started)) s"

bin="$stage/oms-plan"
cp "$out/oms-plan" "$bin"
unstripped_size="$(stat -c %s "$bin")"
strip "$bin"
stripped_size="$(stat -c %s "$bin")"

echo "== completions and man page"
mkdir -p "$stage/completions"
"$bin" --generate-completion-script bash > "$stage/completions/oms-plan.bash"
"$bin" --generate-completion-script zsh > "$stage/completions/_oms-plan"
"$bin" --generate-completion-script fish > "$stage/completions/oms-plan.fish"
# swift-argument-parser's generate-manual when it built and its page passes the check, else
# written from the binary's --experimental-dump-help; without a page the release fails here.
manpage="$(bash "$work/scripts/release-manpage.sh" "$bin" "$out/generate-manual" "$stage/man" "$(git log -1 --format=%cs HEAD)")"

echo "== documents and licenses"
cp "$work/README.md" "$work/SECURITY.md" "$stage/"
for f in LICENSE LICENSE.txt LICENSE.md COPYING NOTICE; do
    if [ -f "$work/$f" ]; then cp "$work/$f" "$stage/"; fi
done
licenses="$stage/licenses"
mkdir -p "$licenses"
for dep in "$scratch"/checkouts/*/; do
    dep_name="$(basename "$dep")"
    for f in "$dep"LICENSE* "$dep"NOTICE* "$dep"COPYING*; do
        if [ -f "$f" ]; then mkdir -p "$licenses/$dep_name" && cp "$f" "$licenses/$dep_name/"; fi
    done
done
swift_license="$(dirname "$(dirname "$(command -v swift)")")/share/swift/LICENSE.txt"
if [ -f "$swift_license" ]; then mkdir -p "$licenses/swift" && cp "$swift_license" "$licenses/swift/"; fi

needed="$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
{
    echo "oms-plan $version"
    echo "commit: $commit"
    echo "version embedded: $stamped"
    echo "platform: linux-$arch"
    echo "built on: $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"'), glibc $(ldd --version | head -n 1 | awk '{print $NF}')"
    echo "swift: $(swift --version 2>/dev/null | head -n 1)"
    echo "swift runtime and Foundation: static (--static-swift-stdlib)"
    echo "sqlite: $(cat "$out/sqlite-linkage")"
    echo "shared libraries needed: $needed"
    echo "man page: man/oms-plan.1 (by $manpage)"
} > "$stage/BUILDINFO.txt"

echo "== archive"
mtime="$(git log -1 --format=%ct HEAD)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -C "$base/stage" -cf - "$name" | gzip -n -9 > "dist/$name.tar.gz"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

echo
cat "$stage/BUILDINFO.txt"
echo "binary: $unstripped_size bytes, stripped $stripped_size bytes"
echo "archive: dist/$name.tar.gz, $(stat -c %s "dist/$name.tar.gz") bytes"
echo "sha256: $(cat "dist/$name.tar.gz.sha256")"
echo "version line: $("$bin" --version)"
if [ "$stamped" = no ]; then
    echo "WARNING: version embedding was skipped; this archive is not a proper release" >&2
fi
