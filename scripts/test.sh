#!/usr/bin/env bash
# Runs every test of oms-plan: the Swift tests (client, sandbox, plan language, reconciler,
# end to end) and the Python suites (SDK conformance against the sandbox, JSON Schema
# agreement, chaos: apply SIGKILLed at random moments and run against busy/dropped answers,
# shipping: Dockerfile, GitHub Action and workflows, Kubernetes manifests, release scripts;
# observability: /metrics, alert rules with promtool, Grafana dashboard, status page in Chromium).
# Works on a fresh clone: it installs the pinned Python tools into .venv itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== python tools"
PYTHON="$(bash scripts/python-env.sh | tail -n 1)"

echo "== system tools for the shipping and observability checks (shellcheck, zsh, fish, promtool, chromium; skipped when apt is out of reach)"
bash scripts/system-deps.sh

echo "== signing vectors are up to date with the pinned SDK"
"$PYTHON" scripts/gen_signing_vectors.py --check

for suite in Tests/ConformanceTests Tests/MigrationPlanTests/schema_agreement.py Tests/CLITests Tests/SecurityTests Tests/ChaosTests Tests/ShippingTests Tests/ObservabilityTests; do
    if [ -e "$suite" ]; then
        echo "== pytest $suite"
        OMS_PLAN_BIN="$(swift build --show-bin-path)/oms-plan" "$PYTHON" -m pytest -q "$suite"
    fi
done
