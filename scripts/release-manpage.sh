#!/usr/bin/env bash
# Writes the man page of a release, MAN_DIR/oms-plan.1. A release always has one:
#   1. swift-argument-parser's generate-manual tool (built by build-release-binary.sh), when it
#      is there and its page passes `scripts/gen_manpage.py --check` (every command and long
#      option named; and, when groff is installed, no roff warning: generate-manual drops a
#      discussion line that starts with "." as an unknown macro);
#   2. otherwise scripts/gen_manpage.py, which writes the page from the binary's own
#      `--experimental-dump-help`, checked the same way;
#   3. otherwise it exits 1, and release.sh fails: no release without its man page.
# Prints which of the two wrote the page (generate-manual or gen_manpage.py) on stdout.
# Usage: scripts/release-manpage.sh BINARY GENERATE_MANUAL MAN_DIR DATE(YYYY-MM-DD)
# Needs python3 (PYTHON overrides it).
set -euo pipefail
if [ "$#" -ne 4 ]; then
    echo "usage: $0 BINARY GENERATE_MANUAL MAN_DIR DATE" >&2
    exit 2
fi
bin="$1" tool="$2" man="$3" date="$4"
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
page="$man/oms-plan.1"
mkdir -p "$man"
if ! command -v "$python" >/dev/null 2>&1; then
    echo "release-manpage: $python is needed to write and check the man page" >&2
    exit 1
fi

if [ -x "$tool" ]; then
    rm -f "$man"/*.1
    if "$tool" "$bin" --output-directory "$man" --date "$date" >&2 \
        && "$python" "$here/gen_manpage.py" --check "$page" "$bin"; then
        echo generate-manual
        exit 0
    fi
    echo "release-manpage: generate-manual's page did not pass (above); writing it from $bin --experimental-dump-help" >&2
else
    echo "release-manpage: no generate-manual tool ($tool); writing the page from $bin --experimental-dump-help" >&2
fi
rm -f "$man"/*.1
if "$python" "$here/gen_manpage.py" "$bin" "$page" --date "$date" \
    && "$python" "$here/gen_manpage.py" --check "$page" "$bin"; then
    echo gen_manpage.py
    exit 0
fi
rm -f "$page"
echo "release-manpage: no man page could be written (see above); a release needs one" >&2
exit 1
