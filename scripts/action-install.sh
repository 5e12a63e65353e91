#!/usr/bin/env bash
# The install step of the GitHub Action in action.yml (kept as a script so that it can be linted
# and tested on its own). Installs one release of oms-plan for this runner:
#   1. resolves the version (`latest` asks GitHub which release is the newest);
#   2. reuses $RUNNER_TOOL_CACHE/oms-plan/<version>/<arch> when an earlier job completed it;
#   3. otherwise downloads oms-plan-<version>-linux-<arch>.tar.gz and its .sha256 from the
#      repository's release v<version> (with `gh` when it is there, else curl), refuses the
#      archive unless its SHA-256 matches, checks that the binary runs, and fills the cache;
#   4. adds the folder to $GITHUB_PATH and writes the outputs version, path and cache-hit.
# The .sha256 comes from the same release as the archive, so it proves integrity in transit, not
# authenticity; INPUT_SHA256, when set, pins the archive's digest (one or more, for both archs)
# and is checked as well, also against the digest a tool-cache entry was installed from.
# Inputs arrive as environment variables: INPUT_VERSION, INPUT_REPOSITORY, INPUT_DOWNLOAD_URL,
# INPUT_SHA256, GH_TOKEN, ACTION_REPOSITORY; the runner sets RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE,
# RUNNER_TEMP, GITHUB_SERVER_URL, GITHUB_ACTION_PATH, GITHUB_PATH and GITHUB_OUTPUT.
set -euo pipefail

log() { echo "oms-plan: $*" >&2; }
die() {
    echo "::error title=oms-plan install::$*"
    exit 1
}

[ "${RUNNER_OS:-Linux}" = Linux ] || die "oms-plan releases are built for Linux; this runner is ${RUNNER_OS}"
case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) die "no oms-plan release for the runner architecture ${RUNNER_ARCH:-$(uname -m)} (X64 and ARM64 only)" ;;
esac

# The repository whose releases to use: the input, else the action's own repository. Inside a
# composite action github.action_repository can be empty (actions/runner#2525), so fall back to
# the folder the runner checked the action out into: .../_actions/<owner>/<name>/<ref>.
repo="${INPUT_REPOSITORY:-}"
[ -n "$repo" ] || repo="${ACTION_REPOSITORY:-}"
if [ -z "$repo" ] && [ -n "${GITHUB_ACTION_PATH:-}" ]; then
    repo="$(sed -n 's#.*/_actions/\([^/][^/]*\)/\([^/][^/]*\)/.*#\1/\2#p' <<< "$GITHUB_ACTION_PATH/")"
fi
[ -n "$repo" ] || die "cannot tell which repository holds the releases; set the input repository: owner/name"
[[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || die "repository must be owner/name, not '$repo'"

# Pinned digests: 64 hex digits each, separated by spaces or commas.
pinned=()
IFS=$', \t\n' read -r -d '' -a given <<< "${INPUT_SHA256:-}" || true
for digest in "${given[@]}"; do
    digest="${digest,,}"
    [[ "$digest" =~ ^[0-9a-f]{64}$ ]] || die "sha256 must be SHA-256 digests of 64 hex digits, not '$digest'"
    pinned+=("$digest")
done
is_pinned() {
    local digest
    for digest in "${pinned[@]}"; do [ "$digest" = "$1" ] && return 0; done
    return 1
}

server="${GITHUB_SERVER_URL:-https://github.com}"
mirror="${INPUT_DOWNLOAD_URL:-}"
mirror="${mirror%/}"
use_gh=no
if [ -z "$mirror" ] && [ -n "${GH_TOKEN:-}" ] && command -v gh >/dev/null 2>&1; then use_gh=yes; fi

version="${INPUT_VERSION:-latest}"
if [ "$version" = latest ]; then
    [ -z "$mirror" ] || die "version: latest needs GitHub releases; give an exact version with download-url"
    if [ "$use_gh" = yes ]; then
        tag="$(gh release view --repo "$repo" --json tagName --jq .tagName)" || die "cannot find the latest release of $repo"
    else
        final="$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$server/$repo/releases/latest")" \
            || die "cannot find the latest release of $repo"
        tag="${final##*/}"
        [ "$tag" != latest ] || die "$repo has no release"
    fi
    version="${tag#v}"
    log "latest release of $repo: $tag"
else
    version="${version#v}"
fi
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+~-]*$ ]] || die "not a version: '$version'"
tag="v$version"

asset="oms-plan-$version-linux-$arch.tar.gz"
cache="${RUNNER_TOOL_CACHE:?RUNNER_TOOL_CACHE is not set}/oms-plan/$version"
dest="$cache/$arch"

# The marker holds the SHA-256 of the archive the entry was unpacked from; with a pinned sha256,
# an entry from any other archive (or from an older action that wrote no digest) is replaced.
cached_digest="$(cat "$cache/$arch.complete" 2>/dev/null || true)"
if [ -f "$cache/$arch.complete" ] && [ -x "$dest/oms-plan" ] && { [ "${#pinned[@]}" -eq 0 ] || is_pinned "$cached_digest"; }; then
    cache_hit=true
    log "using $dest (tool cache)"
else
    cache_hit=false
    tmp="$(mktemp -d "${RUNNER_TEMP:-/tmp}/oms-plan.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    if [ "$use_gh" = yes ]; then
        log "downloading $asset from release $tag of $repo (gh)"
        gh release download "$tag" --repo "$repo" --dir "$tmp" --pattern "$asset" --pattern "$asset.sha256" \
            || die "cannot download $asset and $asset.sha256 from release $tag of $repo"
    else
        base="${mirror:-$server/$repo/releases/download}"
        auth=()
        # The token goes to the GitHub server only, never to a mirror (curl drops it on redirects).
        if [ -z "$mirror" ] && [ -n "${GH_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer $GH_TOKEN"); fi
        for file in "$asset" "$asset.sha256"; do
            log "downloading $base/$tag/$file"
            curl -fsSL --retry 3 --retry-delay 2 "${auth[@]}" -o "$tmp/$file" "$base/$tag/$file" \
                || die "cannot download $base/$tag/$file"
        done
    fi

    expected="$(awk 'NR == 1 { print tolower($1) }' "$tmp/$asset.sha256")"
    [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$asset.sha256 holds no SHA-256"
    actual="$(sha256sum "$tmp/$asset" | awk '{ print $1 }')"
    [ "$expected" = "$actual" ] || die "checksum mismatch for $asset: the .sha256 file says $expected, the download is $actual"
    log "checksum OK: $actual"
    if [ "${#pinned[@]}" -gt 0 ]; then
        is_pinned "$actual" || die "$asset does not match the pinned sha256 (${pinned[*]}): the download is $actual"
        log "matches the pinned sha256"
    else
        log "no sha256 pinned: the checksum came from the same place as the archive (integrity only)"
    fi

    mkdir -p "$tmp/unpacked"
    tar -xzf "$tmp/$asset" -C "$tmp/unpacked"
    unpacked="$tmp/unpacked/oms-plan-$version-linux-$arch"
    [ -x "$unpacked/oms-plan" ] || die "$asset has no oms-plan-$version-linux-$arch/oms-plan"
    "$unpacked/oms-plan" --version >/dev/null || die "the oms-plan binary of $asset does not run on this runner"

    mkdir -p "$cache"
    rm -rf "$dest" "$cache/$arch.complete"
    mv "$unpacked" "$dest"
    echo "$actual" > "$cache/$arch.complete"
    log "installed into $dest"
fi

echo "$dest" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
{
    echo "version=$version"
    echo "path=$dest/oms-plan"
    echo "cache-hit=$cache_hit"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
