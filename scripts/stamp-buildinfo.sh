#!/usr/bin/env bash
# Writes a version and a commit into a copy of the sources: the two lines
#     static let version = "..."
#     static let commit = "..."
# of Sources/oms-plan/Support/BuildInfo.swift under SOURCE_DIR. Used by scripts/release.sh (on a
# temporary export of HEAD) and by the Dockerfile (on the build context), never on a working tree.
# Usage: scripts/stamp-buildinfo.sh SOURCE_DIR VERSION COMMIT
# Exit 0 stamped, 2 bad arguments, 3 BuildInfo.swift missing or not in the expected shape.
set -euo pipefail
if [ "$#" -ne 3 ]; then
    echo "usage: $0 SOURCE_DIR VERSION COMMIT" >&2
    exit 2
fi
dir="$1" version="$2" commit="$3"
file="$dir/Sources/oms-plan/Support/BuildInfo.swift"
# Only characters that are safe inside a Swift string literal and a sed replacement.
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+~-]*$ ]] || { echo "stamp-buildinfo: bad version '$version'" >&2; exit 2; }
[[ "$commit" =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]] || { echo "stamp-buildinfo: bad commit '$commit'" >&2; exit 2; }
if [ ! -f "$file" ]; then
    echo "stamp-buildinfo: $file does not exist: the version cannot be embedded" >&2
    exit 3
fi
version_re='^([[:space:]]*static let version = )"[^"]*"[[:space:]]*$'
commit_re='^([[:space:]]*static let commit = )"[^"]*"[[:space:]]*$'
for re in "$version_re" "$commit_re"; do
    count="$(grep -cE "$re" "$file" || true)"
    if [ "$count" != 1 ]; then
        echo "stamp-buildinfo: expected exactly one line matching /$re/ in $file, found $count" >&2
        exit 3
    fi
done
sed -i -E \
    -e "s/$version_re/\\1\"$version\"/" \
    -e "s/$commit_re/\\1\"$commit\"/" \
    "$file"
if ! { grep -qF "static let version = \"$version\"" "$file" && grep -qF "static let commit = \"$commit\"" "$file"; }; then
    echo "stamp-buildinfo: $file was not rewritten as expected" >&2
    exit 3
fi
echo "stamp-buildinfo: $file says version $version, commit $commit" >&2
