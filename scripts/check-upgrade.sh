#!/usr/bin/env bash
# Identity across an upgrade, end to end: an older oms-plan (BASE, default the first commit of
# the previous release line given as $1) applies the quickstart to a served sandbox; this
# checkout's binary then opens the same sandbox data and diffs the same plan. It must find every
# resource as its own (no create, no replace), and the old store's plain keys must be sealed.
# Builds BASE in a worktree under .build-upgrade (a first build takes several minutes).
# Usage: scripts/check-upgrade.sh [BASE]   (OLD_BIN=path: use that build of BASE instead of building it)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
base="${1:-19b1df34fff610195afce2a856aad0552704455b}"
if [ -n "${OLD_BIN:-}" ]; then
    # A binary of BASE built already (e.g. the release build a benchmark made): no second build.
    old="$OLD_BIN"
else
    old_tree="$repo/.build-upgrade/tree"
    if [ ! -d "$old_tree" ]; then git worktree add -q --detach "$old_tree" "$base"; fi
    git -C "$old_tree" checkout -q --detach "$base"
    (cd "$old_tree" && swift build --product oms-plan --scratch-path "$repo/.build-upgrade/build" >&2)
    old="$repo/.build-upgrade/build/debug/oms-plan"
fi
swift build --product oms-plan >&2
new="$(swift build --show-bin-path)/oms-plan"

work="$(mktemp -d)"
sandbox=""
trap '[ -n "$sandbox" ] && kill "$sandbox" 2>/dev/null; rm -rf "$work"' EXIT
cp -r examples/quickstart "$work/plan"
mkdir -p "$work/data" && cp -r "$work/plan/sandbox/buckets" "$work/data/"
for cloud in ALIYUN TENCENT AWS OBS; do
    export "QUICKSTART_${cloud}_AK=UPGRADE${cloud}AK" "QUICKSTART_${cloud}_SK=upgrade-${cloud,,}-secret-77"
done
export HUAWEICLOUD_SDK_AK=SANDBOXACCESSKEY0001 HUAWEICLOUD_SDK_SK=sandbox-secret-key
export OMS_PROJECT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9 NO_COLOR=1
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export OMS_ENDPOINT="http://127.0.0.1:$port"
cd "$work"
serve() { "$1" sandbox serve --port "$port" --data "$work/data" --time-scale 600 >>"$work/serve.log" 2>&1 & sandbox=$!; sleep 3; }

serve "$old"
"$old" apply plan --auto-approve >/dev/null 2>&1
sleep 5
"$old" apply plan --auto-approve >/dev/null 2>&1   # the dependent wave
kill "$sandbox"; wait "$sandbox" 2>/dev/null || true; sandbox=""
echo "old store: $(cat data/oms-sandbox.sqlite* | grep -c upgrade-aliyun-secret-77 || true) plain copies of a source key"

serve "$new"
echo "new store: $(cat data/oms-sandbox.sqlite* | grep -c upgrade-aliyun-secret-77 || true) plain copies of a source key"
set +e
"$new" diff plan --output json --detailed-exitcode >diff.json 2>diff.err
code=$?
set -e
python3 - "$code" <<'PY'
import json, sys
d = json.load(open("diff.json"))
s = d["summary"]
print(f"new diff: exit {sys.argv[1]}, summary {s}")
moved = [c["address"] for c in d["changes"] if c["action"] in ("create", "replace", "blocked")]
if moved or sys.argv[1] != "0":
    sys.exit(f"FAILED: the upgrade would create or replace {moved}")
print("identity kept: every resource the old version created is this version's own")
PY
